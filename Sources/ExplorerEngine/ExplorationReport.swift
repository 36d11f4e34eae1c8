import Foundation
import Instrumentation

/// An exploration rendered for machines: one JSON document (`devmodel/explore@1`) or KTAP.
public enum ExplorationReport {
    struct Document: Codable, Equatable {
        var schema = "devmodel/explore@1"
        var scenario: String
        /// The program's content hash and the full strategy field (`pb3,all-orders`): what a
        /// merge checks. Absent in documents written before shards existed.
        var scenarioHash: String?
        var strategy: String
        var strategyField: String?
        /// `i/n` for one shard; the shard count and the cut for a document merged from shards.
        var shard: String?
        var shards: Int?
        var shardDepth: Int?
        /// Executions of other shards' schedules a shard ran to find its own (all shards' in
        /// a merged document).
        var shardRepeats: Int?
        var executions: Int
        var complete: Bool
        var durationNanoseconds: UInt64
        var executionsPerSecond: Int
        var failingExecutions: Int
        var outcomes: [String: Int]
        var failingOutcomes: [String: Int]
        var failures: [Failure]
        var unreached: [String]
        var note: String?
        var passed: Bool
    }

    struct Failure: Codable, Equatable {
        var reasons: [String]
        var replay: String
        var preemptions: Int
        var reproduced: Bool
        /// The failing schedule before shrinking: its preemptions and its choices (replay
        /// letters). Shards' failures are joined by it.
        var foundPreemptions: Int?
        var foundChoices: String?
    }

    static func document(_ r: ExplorationResult, scenario: String, strategy: ExplorationStrategy) -> Document {
        Document(scenario: scenario, scenarioHash: r.programHash, strategy: strategy.code, strategyField: r.strategyCode,
                 shard: r.shard?.description, shards: nil, shardDepth: r.shard?.depth,
                 shardRepeats: r.shard == nil ? nil : r.shardRepeats, executions: r.executions,
                 complete: r.complete, durationNanoseconds: UInt64(max(0, r.seconds) * 1e9),
                 executionsPerSecond: Int(r.executionsPerSecond), failingExecutions: r.failingExecutions,
                 outcomes: r.outcomes, failingOutcomes: r.failingOutcomes,
                 failures: r.failures.map { Failure(reasons: $0.reasons, replay: $0.replay, preemptions: $0.preemptions,
                                                    reproduced: $0.reproduced, foundPreemptions: $0.found.preemptions,
                                                    foundChoices: ReplayString.encode($0.found.choices)) },
                 unreached: r.unreached, note: r.note, passed: r.passed)
    }

    /// Pretty-printed JSON with sorted keys, times in integer nanoseconds.
    public static func json(_ r: ExplorationResult, scenario: String, strategy: ExplorationStrategy) throws -> String {
        try encode(document(r, scenario: scenario, strategy: strategy))
    }

    static func encode(_ doc: Document) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(doc), as: UTF8.self) + "\n"
    }

    /// KTAP version 1: one suite for the exploration, with a test for the schedules run (ok
    /// when none failed), one per distinct failure (its reasons and replay string as
    /// diagnostics) and one per coverage assertion.
    public static func ktap(_ r: ExplorationResult, scenario: String) -> String {
        var tests = [KTAP.Test(ok: r.failures.isEmpty, name: "schedules", diagnostics:
            ["\(r.executions) executions\(r.complete ? "" : " (stopped early)"), \(r.outcomes.count) distinct outcomes, "
             + "\(r.failingExecutions) failing"])]
        for (i, f) in r.failures.enumerated() {
            tests.append(KTAP.Test(ok: false, name: "failure \(i + 1) (\(f.preemptions) preemptions)",
                                   diagnostics: f.reasons + ["replay: \(f.replay)"]))
        }
        tests += r.unreached.map { KTAP.Test(ok: false, name: "reachable \($0)", diagnostics: ["never reached"]) }
        return KTAP.suite("explore \(scenario)", tests, passed: r.passed)
    }
}
