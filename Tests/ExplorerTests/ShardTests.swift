import Foundation
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// Shards of one schedule space (``ExplorationShard``): they partition it, and their
/// documents merge into what one unsharded run reports — through the same functions the CLI
/// uses (`ExplorationReport.json`, `ExplorationReport.merge`).
@Suite struct ShardTests {
    static func load(_ name: String) throws -> Scenario {
        try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent(name).path)
    }

    static func explore(_ s: Scenario, bound: Int, shard: ExplorationShard?, workers: Int = 1) -> ExplorationResult {
        var e = Explorer(scenario: s)
        e.workers = workers
        e.shard = shard
        return e.explore(strategy: .preemptionBounded(maxPreemptions: bound))
    }

    static func document(_ r: ExplorationResult, _ s: Scenario, bound: Int) throws -> Data {
        Data(try ExplorationReport.json(r, scenario: s.name, strategy: .preemptionBounded(maxPreemptions: bound)).utf8)
    }

    /// The document without times, rates and shard bookkeeping.
    static func essence(_ data: Data) throws -> ExplorationReport.Document {
        var d = try JSONDecoder().decode(ExplorationReport.Document.self, from: data)
        d.durationNanoseconds = 0
        d.executionsPerSecond = 0
        (d.shard, d.shards, d.shardDepth, d.shardRepeats) = (nil, nil, nil, nil)
        return d
    }

    @Test(arguments: [("crosscheck/gpio-ioctl-expects-ok.yaml", 2, 3), ("crosscheck/gpio-ioctl-expects-ok.yaml", 3, 12),
                      ("crosscheck/misc-pipe-two-readers-hang.yaml", 1, 6)])
    func fourShardsMergeIntoTheUnshardedRun(_ name: String, _ bound: Int, _ depth: Int) throws {
        let s = try Self.load(name)
        let full = Self.explore(s, bound: bound, shard: nil)
        #expect(!full.failures.isEmpty, "the example must fail for this test to mean anything")
        let shards = (0..<4).map { Self.explore(s, bound: bound, shard: ExplorationShard(index: $0, count: 4, depth: depth)) }
        #expect(shards.map(\.executions).reduce(0, +) == full.executions)
        #expect(shards.allSatisfy { $0.executions < full.executions }, "\(shards.map(\.executions))")
        let inputs = try shards.enumerated().map { ("s\($0.offset)", try Self.document($0.element, s, bound: bound)) }
        let merged = try ExplorationReport.merge(inputs.shuffled())
        #expect(try Self.essence(Data(merged.json.utf8)) == Self.essence(try Self.document(full, s, bound: bound)))
        #expect(!merged.passed && merged.complete && merged.executions == full.executions)
    }

    /// Which schedules a shard owns depends on their choices only: one worker or two, the
    /// same counts, failures and replay strings.
    @Test func aShardIsTheSameWithOneOrTwoWorkers() throws {
        let s = try Self.load("crosscheck/gpio-ioctl-expects-ok.yaml")
        let shard = ExplorationShard(index: 1, count: 3, depth: 4)
        let one = Self.explore(s, bound: 2, shard: shard, workers: 1)
        let two = Self.explore(s, bound: 2, shard: shard, workers: 2)
        #expect(one.executions == two.executions && one.shardRepeats == two.shardRepeats)
        #expect(one.outcomes == two.outcomes)
        #expect(one.failures.map(\.replay) == two.failures.map(\.replay))
    }

    @Test func mergeRefusesWhatIsNotOneExploration() throws {
        let s = try Self.load("crosscheck/gpio-ioctl-expects-ok.yaml")
        let doc = { (bound: Int, index: Int, count: Int) in
            try Self.document(Self.explore(s, bound: bound, shard: ExplorationShard(index: index, count: count, depth: 3)), s, bound: bound)
        }
        let a = try doc(1, 0, 2), b = try doc(1, 1, 2)
        #expect(try ExplorationReport.merge([("a", a), ("b", b)]).complete)
        #expect(throws: ExplorationMergeError.duplicateShard(file: "a2", shard: "1/2", first: "a")) {
            try ExplorationReport.merge([("a", a), ("a2", a)])
        }
        #expect(throws: ExplorationMergeError.missingShards(["2/2"])) { try ExplorationReport.merge([("a", a)]) }
        #expect(throws: ExplorationMergeError.mismatch(file: "c", field: "the strategy", expected: "pb1", got: "pb2")) {
            try ExplorationReport.merge([("a", a), ("c", try doc(2, 1, 2))])
        }
        #expect(throws: ExplorationMergeError.mismatch(file: "c", field: "the shard count", expected: "2", got: "3")) {
            try ExplorationReport.merge([("a", a), ("c", try doc(1, 1, 3))])
        }
        let other = try Self.load("crosscheck/gpio-open-ioctl-rebind.yaml")
        let foreign = try Self.document(Self.explore(other, bound: 1, shard: ExplorationShard(index: 1, count: 2, depth: 3)), other, bound: 1)
        #expect(throws: ExplorationMergeError.mismatch(file: "o", field: "the scenario hash", expected: Explorer(scenario: s).program.hash,
                                                       got: Explorer(scenario: other).program.hash)) {
            try ExplorationReport.merge([("a", a), ("o", foreign)])
        }
        let whole = try Self.document(Self.explore(s, bound: 1, shard: nil), s, bound: 1)
        #expect(throws: ExplorationMergeError.notAShard(file: "w")) { try ExplorationReport.merge([("w", whole)]) }
        #expect(throws: ExplorationMergeError.notAnExploration(file: "x")) { try ExplorationReport.merge([("x", Data("{}".utf8))]) }
    }

    /// Exactly one shard owns each schedule, and the cut decides which.
    @Test func ownershipPartitionsAndFollowsTheCut() throws {
        let shards = (0..<5).compactMap { ExplorationShard(index: $0, count: 5, depth: 3) }
        for choices in [[], [0], [1, 0, 2, 1], [2, 2, 2, 2, 2, 0]] {
            #expect(shards.filter { $0.owns(choices) }.count == 1)
        }
        #expect(shards.map { $0.owns([1, 0, 2, 0]) } == shards.map { $0.owns([1, 0, 2, 1, 1]) })
        #expect(ExplorationShard(index: 4, count: 4) == nil && ExplorationShard(index: 0, count: 1, depth: 0) == nil)
    }
}
