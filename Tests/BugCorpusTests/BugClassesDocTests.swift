import Foundation
import Testing
@testable import BugCorpus

/// The classes P1–P16 that the corpus, the lint and the comments use are defined in the
/// repository itself (Docs/bug-classes.md), and nothing cites a document the repository does
/// not contain.
@Suite struct BugClassesDocTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Each section heading "## Pn — …" with its body, up to the next heading.
    static func sections() throws -> [String: String] {
        var result: [String: String] = [:]
        var current: String?
        for line in try text("Docs/bug-classes.md").split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") {
                let word = line.dropFirst(3).split(separator: " ").first.map(String.init) ?? ""
                current = word.hasPrefix("P") && Int(word.dropFirst()) != nil ? word : nil
                if let current { result[current] = "" }
            } else if let c = current {
                result[c, default: ""] += line + "\n"
            }
        }
        return result
    }

    @Test func everyClassFromP1ToP16IsDefinedWithAKernelExample() throws {
        let sections = try Self.sections()
        #expect(Set(sections.keys) == Set((1...16).map { "P\($0)" }))
        // A kernel source path or a commit id (7+ hex digits in backticks) or a CVE.
        let kernelCitation = /(drivers|fs|lib|rust|include)\/[A-Za-z0-9_\/.-]+|`[0-9a-f]{7,12}`|CVE-\d{4}-\d+/
        for (name, body) in sections {
            #expect(body.contains(kernelCitation), "\(name) cites no kernel file or commit")
        }
    }

    @Test func everyClassTheCorpusUsesIsDefined() throws {
        let defined = Set(try Self.sections().keys)
        let used = Set(Corpus.entries.flatMap(\.classes).filter { $0.hasPrefix("P") })
        #expect(used.isSubset(of: defined), "undefined: \(used.subtracting(defined).sorted())")
    }

    /// The repository must stand alone: no comment, help text, scenario or document cites the
    /// external design note by its name instead of the kernel or Docs/. The word is spelt in
    /// two halves so that this file does not match itself.
    @Test func nothingCitesTheExternalDesignNote() throws {
        let word = try Regex("(?i)\\b" + "bri" + "ef" + "\\b")
        var offenders: [String] = []
        for folder in ["Sources", "Docs", "Scenarios", "Tests"] {
            let base = Self.root.appendingPathComponent(folder)
            let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
            while let url = walker?.nextObject() as? URL {
                guard ["swift", "md", "yaml", "h", "c"].contains(url.pathExtension),
                      let s = try? String(contentsOf: url, encoding: .utf8) else { continue }
                if s.contains(word) { offenders.append(url.path) }
            }
        }
        if try Self.text("README.md").contains(word) { offenders.append("README.md") }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}
