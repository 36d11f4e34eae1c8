import Foundation

/// Why the results of shards were not joined (`devmodel merge` exits 65, EX_DATAERR).
public enum ExplorationMergeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a `devmodel/explore@1` document.
    case notAnExploration(file: String)
    /// An exploration of the whole space, not of one shard.
    case notAShard(file: String)
    /// Made for another scenario content, strategy, bound, options, shard count or cut.
    case mismatch(file: String, field: String, expected: String, got: String)
    /// The same shard twice (its executions would count twice).
    case duplicateShard(file: String, shard: String, first: String)
    /// Shards that no input covers (their schedules would be missing).
    case missingShards([String])

    /// EINVAL: the inputs do not describe one exploration.
    public var errno: Int32 { 22 }

    public var description: String {
        switch self {
        case .notAnExploration(let f): "\(f): not a devmodel/explore@1 document"
        case .notAShard(let f): "\(f): an exploration of the whole space, not of a shard (explore --shard i/n)"
        case .mismatch(let f, let field, let expected, let got):
            "\(f): \(field) is \(got), but the first input's is \(expected): these shards are not of one exploration"
        case .duplicateShard(let f, let shard, let first): "\(f): shard \(shard) again (first in \(first)); it would count twice"
        case .missingShards(let s):
            "shard\(s.count == 1 ? "" : "s") \(s.joined(separator: ", ")) missing: \(s.count == 1 ? "its" : "their") schedules would be left out"
        }
    }
}

extension ExplorationReport {
    /// Shards joined into one document, as one unsharded run would have written it.
    public struct Merged: Sendable {
        /// The `devmodel/explore@1` document (with `shards` and `shardDepth` instead of `shard`).
        public var json: String
        public var passed: Bool
        public var complete: Bool
        public var executions: Int
    }

    /// Joins the documents of every shard of one exploration (`name` is for errors): counts
    /// and outcomes are summed, a coverage assertion is unreached only if no shard reached it,
    /// and of each distinct failure the one found first in the fixed order of
    /// ``ScheduleKey`` is kept — so failures and replay strings equal an unsharded run's. The
    /// duration is the longest shard's (shards run side by side), the rate the sum of theirs.
    public static func merge(_ inputs: [(name: String, data: Data)]) throws(ExplorationMergeError) -> Merged {
        var docs: [(name: String, doc: Document, index: Int)] = []
        for (name, data) in inputs {
            guard let doc = try? JSONDecoder().decode(Document.self, from: data), doc.schema == "devmodel/explore@1" else {
                throw .notAnExploration(file: name)
            }
            guard let shard = doc.shard, let (i, n) = parseShard(shard) else { throw .notAShard(file: name) }
            if let first = docs.first {
                let checks: [(String, String, String)] = [
                    ("the scenario hash", first.doc.scenarioHash ?? "?", doc.scenarioHash ?? "?"),
                    ("the strategy", first.doc.strategyField ?? first.doc.strategy, doc.strategyField ?? doc.strategy),
                    ("the shard count", "\(parseShard(first.doc.shard ?? "")?.1 ?? 0)", "\(n)"),
                    ("the shard depth (--shard-depth)", "\(first.doc.shardDepth ?? 0)", "\(doc.shardDepth ?? 0)"),
                ]
                for (field, expected, got) in checks where expected != got {
                    throw .mismatch(file: name, field: field, expected: expected, got: got)
                }
            }
            if let twin = docs.first(where: { $0.index == i }) { throw .duplicateShard(file: name, shard: shard, first: twin.name) }
            docs.append((name, doc, i))
        }
        guard let first = docs.first?.doc, let count = parseShard(first.shard ?? "")?.1 else { throw .missingShards(["1/1"]) }
        let missing = (0..<count).filter { i in !docs.contains { $0.index == i } }
        guard missing.isEmpty else { throw .missingShards(missing.map { "\($0 + 1)/\(count)" }) }

        var merged = first
        merged.shard = nil
        merged.shards = count
        merged.executions = docs.map(\.doc.executions).reduce(0, +)
        merged.shardRepeats = docs.map { $0.doc.shardRepeats ?? 0 }.reduce(0, +)
        merged.failingExecutions = docs.map(\.doc.failingExecutions).reduce(0, +)
        merged.complete = docs.allSatisfy(\.doc.complete)
        merged.durationNanoseconds = docs.map(\.doc.durationNanoseconds).max() ?? 0
        merged.executionsPerSecond = docs.map(\.doc.executionsPerSecond).reduce(0, +)
        merged.outcomes = docs.reduce(into: [:]) { sum, d in sum.merge(d.doc.outcomes, uniquingKeysWith: +) }
        merged.failingOutcomes = docs.reduce(into: [:]) { sum, d in sum.merge(d.doc.failingOutcomes, uniquingKeysWith: +) }
        merged.unreached = first.unreached.filter { u in docs.allSatisfy { $0.doc.unreached.contains(u) } }
        merged.failures = firstFailures(docs.flatMap(\.doc.failures))
        merged.passed = merged.failures.isEmpty && merged.unreached.isEmpty
        let json = (try? encode(merged)) ?? "{}\n"
        return Merged(json: json, passed: merged.passed, complete: merged.complete, executions: merged.executions)
    }

    /// Of each distinct failure, the one with the first schedule; in the order reports use.
    private static func firstFailures(_ all: [Failure]) -> [Failure] {
        var best: [[String]: (key: ScheduleKey, failure: Failure)] = [:]
        for f in all {
            let key = ScheduleKey(preemptions: f.foundPreemptions ?? f.preemptions,
                                  choices: (try? ReplayString.decode(f.foundChoices ?? "-")) ?? [])
            if best[f.reasons].map({ key < $0.key }) ?? true { best[f.reasons] = (key, f) }
        }
        let kept = best.values.map { ExplorationFailure(reasons: $0.failure.reasons, replay: $0.failure.replay,
                                                        preemptions: $0.failure.preemptions, reproduced: $0.failure.reproduced,
                                                        found: $0.key) }
        let byReasons = Dictionary(uniqueKeysWithValues: best.values.map { ($0.failure.reasons, $0.failure) })
        return kept.sorted { ExplorationRun.better($0, than: $1) }.compactMap { byReasons[$0.reasons] }
    }

    /// `i/n` → (i − 1, n).
    private static func parseShard(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else { return nil }
        return (i - 1, n)
    }
}
