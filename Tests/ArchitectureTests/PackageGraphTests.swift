import Foundation
import Testing

/// Package.swift is the architecture diagram: these tests fail when a target imports a
/// module it does not declare (or declares one it never imports), when Docs/architecture.md's
/// table differs from Package.swift, or when a module uses one on its own layer or above.
@Suite struct PackageGraphTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// Products of other packages, by the module name they are imported as.
    static let products: Set<String> = ["ArgumentParser", "Logging", "Yams"]

    struct Target {
        var name: String
        var isTest: Bool
        var isExecutable = false
        var dependencies: Set<String>
    }

    /// The targets of Package.swift, read from its text (balanced parentheses and brackets).
    static func targets() throws -> [Target] {
        let text = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        var out: [Target] = []
        for opener in [".target(", ".executableTarget(", ".testTarget("] {
            var search = text.startIndex
            while let start = text.range(of: opener, range: search..<text.endIndex) {
                let body = balanced(text, from: start.upperBound, open: "(", close: ")")
                search = body.endIndex
                guard let name = firstQuoted(in: body, after: "name:") else { continue }
                var deps: Set<String> = []
                if let d = body.range(of: "dependencies:"), let bracket = body[d.upperBound...].firstIndex(of: "[") {
                    let list = balanced(text, from: text.index(after: bracket), open: "[", close: "]")
                    // `.product(name: "M", package: "P")` counts as M; every other quoted word is a target.
                    var rest = list
                    while let p = rest.range(of: ".product(") {
                        let product = balanced(text, from: p.upperBound, open: "(", close: ")")
                        if let name = firstQuoted(in: product, after: "name:") { deps.insert(name) }
                        deps.formUnion(quotedWords(in: rest[..<p.lowerBound]))
                        rest = text[text.index(after: product.endIndex)..<rest.endIndex]
                    }
                    deps.formUnion(quotedWords(in: rest))
                }
                out.append(Target(name: name, isTest: opener == ".testTarget(", isExecutable: opener == ".executableTarget(",
                                  dependencies: deps))
            }
        }
        return out
    }

    /// The text between an opening delimiter (just before `from`) and its matching close.
    static func balanced(_ s: String, from: String.Index, open: Character, close: Character) -> Substring {
        var depth = 1
        var i = from
        while i < s.endIndex {
            if s[i] == open { depth += 1 } else if s[i] == close { depth -= 1; if depth == 0 { break } }
            i = s.index(after: i)
        }
        return s[from..<i]
    }

    static func quotedWords(in s: Substring) -> [String] {
        s.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    static func firstQuoted(in s: Substring, after label: String) -> String? {
        guard let l = label.isEmpty ? s.startIndex..<s.startIndex : s.range(of: label),
              let q1 = s[l.upperBound...].firstIndex(of: "\"") else { return nil }
        let rest = s[s.index(after: q1)...]
        guard let q2 = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<q2])
    }

    /// The package modules and products a target's Swift files import.
    static func imports(of target: Target, known: Set<String>) throws -> Set<String> {
        let folder = root.appendingPathComponent(target.isTest ? "Tests" : "Sources").appendingPathComponent(target.name)
        var found: Set<String> = []
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return found }
        for case let url as URL in files where url.pathExtension == "swift" {
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                var words = line.split(separator: " ").map(String.init)
                while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
                if words.count == 2, words[0] == "import", known.contains(words[1]) { found.insert(words[1]) }
            }
        }
        return found
    }

    @Test func everyTargetDeclaresExactlyWhatItImports() throws {
        let targets = try Self.targets()
        #expect(targets.count > 30)
        let known = Set(targets.map(\.name)).union(Self.products)
        for target in targets {
            let imported = try Self.imports(of: target, known: known)
            #expect(imported == target.dependencies,
                    "\(target.name): imported but not declared \(imported.subtracting(target.dependencies).sorted()), declared but not imported \(target.dependencies.subtracting(imported).sorted())")
        }
    }

    /// `| `Module` | `Dep`, `Dep` | concern |` rows of Docs/architecture.md.
    static func documentedTable() throws -> [String: Set<String>] {
        let doc = try String(contentsOf: root.appendingPathComponent("Docs/architecture.md"), encoding: .utf8)
        var table: [String: Set<String>] = [:]
        for line in doc.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2 else { continue }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let deps = cells[1] == "—" ? [] : cells[1].split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            }
            table[name] = Set(deps)
        }
        return table
    }

    @Test func theArchitecturePageShowsTheGraphAsBuilt() throws {
        let built = Dictionary(uniqueKeysWithValues: try Self.targets().filter { !$0.isTest }.map { ($0.name, $0.dependencies) })
        let documented = try Self.documentedTable()
        #expect(Set(documented.keys) == Set(built.keys), "modules: page \(documented.keys.sorted()) vs Package.swift \(built.keys.sorted())")
        for (name, deps) in built {
            #expect(documented[name] == deps, "\(name): page \(documented[name]?.sorted() ?? []) vs Package.swift \(deps.sorted())")
        }
    }

    @Test func everyModuleUsesOnlyLowerLayers() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("Docs/architecture.md"), encoding: .utf8)
        let block = try #require(doc.components(separatedBy: "```layers\n").dropFirst().first?.components(separatedBy: "```").first)
        var layer: [String: Int] = [:]
        for line in block.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard let n = words.first.flatMap({ Int($0) }) else { continue }
            for module in words.dropFirst() { layer[module] = n }
        }
        for target in try Self.targets() where !target.isTest {
            let own = try #require(layer[target.name], "\(target.name) is on no layer")
            for dep in target.dependencies where !Self.products.contains(dep) {
                let theirs = try #require(layer[dep], "\(dep) is on no layer")
                #expect(theirs < own, "\(target.name) (layer \(own)) uses \(dep) (layer \(theirs))")
            }
        }
    }

    /// Every Swift library module's DocC is built with warnings as errors in CI
    /// (Scripts/docc-check.sh): a new module cannot be left out by accident.
    @Test func theDocCCheckCoversEveryLibraryModule() throws {
        let script = try String(contentsOf: Self.root.appendingPathComponent("Scripts/docc-check.sh"), encoding: .utf8)
        let line = try #require(script.split(separator: "\n").first { $0.hasPrefix("MODULES=") })
        let listed = Set(line.split(whereSeparator: { " \"{}:-".contains($0) }).map(String.init).filter { $0 != "MODULES=$" && $0 != "MODULES" })
        // C targets (CShim, CByteScan) have no DocC catalogue to build.
        let libraries = Set(try Self.targets().filter { !$0.isTest && !$0.isExecutable && Self.hasSwiftSources($0.name) }.map(\.name))
        #expect(libraries.subtracting(listed).isEmpty, "not checked: \(libraries.subtracting(listed).sorted())")
    }

    static func hasSwiftSources(_ target: String) -> Bool {
        let dir = root.appendingPathComponent("Sources/\(target)")
        let files = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []
        return files.contains { $0.hasSuffix(".swift") }
    }

    /// No merge left its conflict markers behind (a `.gitignore` and a Docs page once kept them).
    @Test func noFileKeepsMergeConflictMarkers() throws {
        var offenders: [String] = []
        let roots = ["Sources", "Tests", "Docs", "Scenarios", "Scripts", "README.md", "Package.swift", ".gitignore", ".ci"]
        for root in roots {
            let url = Self.root.appendingPathComponent(root)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
            // A folder is walked; a file (.gitignore, README.md) is read itself — an enumerator
            // on a file yields nothing, which once let .gitignore go unchecked.
            let files = isDirectory.boolValue
                ? (FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
                : [url]
            for file in files where !file.path.contains("/Fixtures/") && !file.hasDirectoryPath {
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
                for line in text.split(separator: "\n", omittingEmptySubsequences: false)
                where line.hasPrefix("<<<<<<< ") || line.hasPrefix(">>>>>>> ") {
                    offenders.append(file.path)
                    break
                }
            }
        }
        #expect(offenders.isEmpty, "conflict markers in \(offenders)")
    }
}
