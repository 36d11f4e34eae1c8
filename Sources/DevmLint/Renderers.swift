import Foundation

/// Output formats. All three render the same report; text is what compilers print, so
/// editors and CI annotate it without configuration.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, sarif
}

public enum Renderer {
    public static func render(_ r: LintReport, as format: OutputFormat) -> String {
        switch format {
        case .text: text(r)
        case .json: json(r)
        case .sarif: sarif(r)
        }
    }

    /// `file:line:col: error|warning: [rule] message` (the rule's severity) then `note:` lines and a `fix:` line, then
    /// the summary line with counts and time.
    public static func text(_ r: LintReport) -> String {
        var s = findingsText(r)
        for d in r.diagnostics { s += "devmodel-lint: \(d)\n" }
        s += summary(r) + "\n"
        return s
    }

    /// The findings alone, as ``text(_:)`` prints them: for a caller that sends the
    /// diagnostics and the summary elsewhere (`devmodel lint` writes them to stderr).
    public static func findingsText(_ r: LintReport) -> String {
        var s = ""
        for f in r.findings {
            s += "\(f.location.file):\(f.location.line):\(f.location.column): \(f.rule.severity.rawValue): [\(f.rule.rawValue)] \(f.message)\n"
            for n in f.notes {
                if let l = n.location { s += "\(l.file):\(l.line):\(l.column): note: \(n.message)\n" } else { s += "note: \(n.message)\n" }
            }
            s += "\(f.location.file):\(f.location.line):\(f.location.column): note: fix: \(f.fix)\n"
            s += witnessText(f)
        }
        return s
    }

    public static func summary(_ r: LintReport) -> String {
        var byRule: [String: Int] = [:]
        for f in r.findings { byRule[f.rule.rawValue, default: 0] += 1 }
        let parts = byRule.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        return "devmodel-lint: \(r.findings.count) finding(s)\(parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"), \(r.suppressed) suppressed, \(r.filesScanned) files scanned, \(r.filesParsed) parsed, " + String(format: "%.2f s", r.seconds)
    }

    public static func json(_ r: LintReport) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: e.encode(r), as: UTF8.self)) ?? "{}"
    }

    // MARK: SARIF 2.1.0

    struct SarifLog: Encodable {
        var version = "2.1.0"
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case version, schema = "$schema", runs }
    }
    struct Run: Encodable {
        var tool: Tool
        var originalUriBaseIds: [String: BaseURI]?
        var results: [Result]
    }
    struct BaseURI: Encodable { var uri: String }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable { var name: String; var rules: [Rule] }
    struct Rule: Encodable { var id: String; var shortDescription: Message }
    struct Message: Encodable { var text: String }
    struct Result: Encodable {
        var ruleId: String
        var level: String
        var message: Message
        var locations: [Location]
        var relatedLocations: [Location]
        var fixes: [Fix]?
        var codeFlows: [CodeFlow]? = nil
        var properties: Properties? = nil
    }
    struct Fix: Encodable { var description: Message; var artifactChanges: [String] = [] }
    struct Location: Encodable {
        var id: Int?
        var physicalLocation: Physical?
        var message: Message?
    }
    struct Physical: Encodable { var artifactLocation: Artifact; var region: Region }
    struct Artifact: Encodable { var uri: String; var uriBaseId: String? }
    struct Region: Encodable { var startLine: Int; var startColumn: Int }

    /// The `uriBaseId` naming the report's base directory (the kernel tree root).
    public static let baseId = "SRCROOT"

    /// SARIF 2.1.0. Artifact URIs are relative to `originalUriBaseIds.SRCROOT` (the report's
    /// base directory) and percent-encoded, so a log moves with the tree; a file outside
    /// the base gets an absolute `file://` URI.
    public static func sarif(_ r: LintReport) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let base = r.baseDirectory.map { SourceFiles.normalize($0.hasPrefix("/") ? $0 : cwd + "/" + $0) }
        func artifact(_ file: String) -> Artifact {
            let abs = SourceFiles.normalize(file.hasPrefix("/") ? file : cwd + "/" + file)
            if let base, abs.hasPrefix(base == "/" ? "/" : base + "/") {
                let rel = String(abs.dropFirst(base == "/" ? 1 : base.count + 1))
                return Artifact(uri: percentEncoded(rel), uriBaseId: baseId)
            }
            return Artifact(uri: "file://" + percentEncoded(abs), uriBaseId: nil)
        }
        func phys(_ l: SourceLocation) -> Physical {
            Physical(artifactLocation: artifact(l.file), region: Region(startLine: l.line, startColumn: l.column))
        }
        let results = r.findings.map { f in
            Result(ruleId: f.rule.rawValue, level: f.rule.severity.rawValue, message: Message(text: f.message),
                   locations: [Location(id: nil, physicalLocation: phys(f.location), message: nil)],
                   relatedLocations: f.notes.enumerated().map { i, n in
                       Location(id: i + 1, physicalLocation: n.location.map(phys), message: Message(text: n.message))
                   },
                   fixes: nil, codeFlows: codeFlows(f, phys), properties: f.witness.map(Properties.init))
        }
        let rules = RuleID.allCases.map { Rule(id: $0.rawValue, shortDescription: Message(text: $0.summary)) }
        let bases = base.map { [baseId: BaseURI(uri: "file://" + percentEncoded($0.hasSuffix("/") ? $0 : $0 + "/"))] }
        let log = SarifLog(runs: [Run(tool: Tool(driver: Driver(name: "devmodel-lint", rules: rules)),
                                      originalUriBaseIds: bases, results: results)])
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: e.encode(log), as: UTF8.self)) ?? "{}"
    }

    /// RFC 3986 percent-encoding of a path: only unreserved characters and `/` stay
    /// literal (a space, `%`, `#`, `?` or `:` in a file name must not change the URI's meaning).
    static func percentEncoded(_ path: String) -> String {
        var out = ""
        for b in path.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(Character(Unicode.Scalar(b)))
            default:
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }
}
