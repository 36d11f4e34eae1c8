import Foundation
import Scenarios

/// An exploration rendered for machines: one JSON document (`devmodel/explore@1`) or KTAP.
public enum ExplorationReport {
    struct Document: Encodable {
        var schema = "devmodel/explore@1"
        var scenario: String
        var strategy: String
        var executions: Int
        var complete: Bool
        var durationNanoseconds: UInt64
        var executionsPerSecond: Int
        var failingExecutions: Int
        var outcomes: [String: Int]
        var failures: [Failure]
        var unreached: [String]
        var note: String?
        var passed: Bool
    }

    struct Failure: Encodable {
        var reasons: [String]
        var replay: String
        var preemptions: Int
        var reproduced: Bool
    }

    /// Pretty-printed JSON with sorted keys, times in integer nanoseconds.
    public static func json(_ r: ExplorationResult, scenario: String, strategy: ExplorationStrategy) throws -> String {
        let doc = Document(scenario: scenario, strategy: strategy.code, executions: r.executions, complete: r.complete,
                           durationNanoseconds: UInt64(max(0, r.seconds) * 1e9),
                           executionsPerSecond: Int(r.executionsPerSecond), failingExecutions: r.failingExecutions,
                           outcomes: r.outcomes,
                           failures: r.failures.map { Failure(reasons: $0.reasons, replay: $0.replay, preemptions: $0.preemptions,
                                                              reproduced: $0.reproduced) },
                           unreached: r.unreached, note: r.note, passed: r.passed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(doc), as: UTF8.self) + "\n"
    }

    /// KTAP version 1: one suite for the exploration, with a test for the schedules run (ok
    /// when none failed), one per distinct failure (its reasons and replay string as
    /// diagnostics) and one per coverage assertion.
    public static func ktap(_ r: ExplorationResult, scenario: String) -> String {
        var tests: [(ok: Bool, name: String, diagnostics: [String])] = []
        tests.append((r.failures.isEmpty, "schedules",
                      ["\(r.executions) executions\(r.complete ? "" : " (stopped early)"), \(r.outcomes.count) distinct outcomes, "
                       + "\(r.failingExecutions) failing"]))
        for (i, f) in r.failures.enumerated() {
            tests.append((false, "failure \(i + 1) (\(f.preemptions) preemptions)", f.reasons + ["replay: \(f.replay)"]))
        }
        for c in r.unreached { tests.append((false, "reachable \(c)", ["never reached"])) }
        let ind = "    "
        var out = ["KTAP version 1", "1..1", "\(ind)KTAP version 1", "\(ind)# Subtest: explore \(ReportKTAP.sanitize(scenario))",
                   "\(ind)1..\(tests.count)"]
        for (i, t) in tests.enumerated() {
            out += t.diagnostics.map { "\(ind)# \(ReportKTAP.sanitize($0))" }
            out.append("\(ind)\(t.ok ? "ok" : "not ok") \(i + 1) \(ReportKTAP.sanitize(t.name))")
        }
        out.append("\(r.passed ? "ok" : "not ok") 1 explore \(ReportKTAP.sanitize(scenario))")
        out.append("# Totals: pass:\(r.passed ? 1 : 0) fail:\(r.passed ? 0 : 1) skip:0 total:1")
        return out.joined(separator: "\n") + "\n"
    }
}
