import ScenarioExecution
import ScenarioModel
import Foundation

/// The `--json` rendering of one or more runs: one document with a `schema` field
/// (`devmodel/runs@1`), times in integer nanoseconds, errnos by name. Keys sorted, so two
/// runs of the same scenario differ only in times and sequence numbers.
public enum ReportJSON {
    struct Document: Encodable {
        var schema = "devmodel/runs@1"
        var passed: Int
        var failed: Int
        var runs: [RunResult]
    }

    /// The document as UTF-8 JSON text.
    public static func render(_ runs: [RunResult]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(passed: runs.reduce(0) { $0 + $1.passed }, failed: runs.reduce(0) { $0 + $1.failed }, runs: runs)
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}
