import CShim
import Foundation
import Instrumentation

/// The deterministic interleaving explorer: runs a program's actors on real threads one at a
/// time, choosing at every scheduling point of the model's primitives (and before every
/// scenario step) which thread runs next.
///
/// ```swift
/// let result = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: 2))
/// #expect(result.failures.isEmpty, "\(result.replayStrings)")
/// ```
///
/// Guarantees: each execution starts from a fresh world (a new board for scenarios), with the
/// sanitizer on for scenarios; the same choices give the same execution (replay strings
/// reproduce it, and each failure is replayed twice before it is reported); every thread
/// started has finished, or is reported stuck, when a call returns.
/// Cost per execution: building the world, and one same-CPU context switch per scheduling
/// decision that changes thread (actor threads are pooled and pinned; about 11 switches and
/// 190 µs for the canonical three-actor scenario on the CI machine).
public struct Explorer: Sendable {
    /// What is explored.
    public let program: ExplorationProgram
    /// Scheduling decisions without a step finishing before an execution is a livelock.
    public var progressBudget = 10_000
    /// An exploration stops after this many executions; ``ExplorationResult/complete`` is
    /// false when it had more to run (one more execution is started to find out, and not
    /// counted).
    public var maxExecutions = 100_000
    /// Watchdog per execution: a thread blocked outside the model's primitives this long ends
    /// the execution as a hang (see ``ExplorationFailure``).
    public var executionTimeoutSeconds = 10.0
    /// Stop at the first failing execution.
    public var stopAtFirstFailure = false
    /// Run each exploring thread and its actors on one CPU (different CPUs for explorations
    /// side by side): hand-offs between actors become same-CPU switches.
    public var pinThreads = true
    /// Kernel debug modes applied to every execution (delayed releases, test-driver-remove),
    /// and whether identical actors are explored once.
    public var options = ExplorationOptions()
    /// Called every ``progressInterval`` executions (from the exploring threads, never two at
    /// once), for progress lines on long runs.
    public var progress: (@Sendable (ExplorationProgress) -> Void)?
    public var progressInterval = 1000
    /// Explore only this slice of the schedule space (preemption bounding and the unreduced
    /// exhaustive search; see ``ExplorationShard``); nil explores all of it.
    public var shard: ExplorationShard?

    /// Explores `program` (for example ``ExplorationProgram/custom(name:actors:make:)``).
    public init(program: ExplorationProgram) { self.program = program }

    /// Exploring threads for the strategies that split their work (preemption bounding,
    /// unreduced exhaustive, random, PCT), each with its own actor pool on its own CPU. The
    /// set of executions and the failures reported do not depend on it; the reduced exhaustive
    /// search is sequential.
    public var workers = max(1, Int(dm_online_cpus()))

    /// Runs `body` on a fresh exploring thread (pinned unless ``pinThreads`` is off).
    func onWorker<R: Sendable>(_ body: @escaping @Sendable (ExplorationWorker) -> R) -> R {
        onWorkers(1) { worker, _ in body(worker) }[0]
    }

    /// Runs `body` on `count` exploring threads side by side; returns their results in order.
    func onWorkers<R: Sendable>(_ count: Int, _ body: @escaping @Sendable (ExplorationWorker, Int) -> R) -> [R] {
        ExplorationWorker.run(count: max(1, count), program: program, progressBudget: progressBudget,
                              timeoutSeconds: executionTimeoutSeconds, options: options, pinned: pinThreads, body)
    }

    /// One execution under `chooser`, on a worker of its own (tests).
    func execute(_ chooser: ScheduleChooser) -> Execution { onWorker { $0.execute(chooser) } }

    /// Explores the program's schedules with `strategy`; never crashes, always returns.
    public func explore(strategy: ExplorationStrategy = .preemptionBounded()) -> ExplorationResult {
        guard program.actorNames.count <= 26 else { return Self.refused("the explorer handles at most 26 actors") }
        if shard != nil && !strategy.shardable {
            return Self.refused("a shard of the schedule space needs preemption bounding or the unreduced exhaustive search, not \(strategy.code)")
        }
        if strategy.reduces && options.identicalActorsOnce && !program.symmetry.isEmpty {
            // The reduction runs every order of identical actors: named in the replay strings
            // (`all-orders`), so that their replays run without the symmetry too.
            var all = self
            all.options.identicalActorsOnce = false
            return all.explore(strategy: strategy)
        }
        let run = ExplorationRun(explorer: self, strategyCode: strategy.code + options.suffix)
        switch strategy {
        case .random(let seed, let n):
            var seeds = SplitMix64(seed: seed)
            let list = (0..<max(0, n)).map { _ in seeds.next() }
            each(list.count, run) { worker, i in worker.execute(ScheduleChooser(seed: list[i])) }
        case .pct(let depth, let seed, let n):
            // k: the decisions of one default schedule (counted as an execution).
            let first = onWorker { worker in
                let e = worker.execute(ScheduleChooser())
                return (e.decisions.count, run.record(e, on: worker))
            }
            guard first.1 else { break }
            let threads = program.actorNames.count
            let k = max(first.0, 1)
            let d = max(depth, 1)
            let denominator = Double(threads) * pow(Double(k), Double(d - 1))
            run.note("PCT depth \(d): each execution finds a bug of depth \(d) with probability ≥ 1/(n·k^(d−1)) = "
                + "1/\(Int(denominator.rounded())) (n = \(threads) threads, k = \(k) decisions)")
            var seeds = SplitMix64(seed: seed)
            let list = (0..<max(0, n - 1)).map { _ in seeds.next() }
            each(list.count, run) { worker, i in
                worker.execute(ScheduleChooser(pctThreads: threads, steps: k, depth: d, seed: list[i]))
            }
        case .exhaustive(let reduction):
            if reduction {
                onWorker { worker in PartialOrderReduction.explore(on: worker, run) }
            } else {
                BoundedSearch(bound: Int.max, shard: shard).explore(self, run)
            }
        case .preemptionBounded(let bound):
            BoundedSearch(bound: max(0, bound), shard: shard).explore(self, run)
        case .reducedPreemptionBounded(let bound):
            onWorker { worker in PartialOrderReduction.explore(on: worker, run, bound: max(0, bound)) }
        }
        run.shrinkFailures()
        return run.finish()
    }

    /// A result that explored nothing and fails for `reason`.
    private static func refused(_ reason: String) -> ExplorationResult {
        ExplorationResult(executions: 0, failures: [ExplorationFailure(reasons: [reason], replay: "", preemptions: 0, reproduced: false)],
                          failingExecutions: 0, outcomes: [:], complete: true, seconds: 0)
    }

    /// Executions 0..<count spread over the workers (each index run once).
    private func each(_ count: Int, _ run: ExplorationRun, _ execute: @escaping @Sendable (ExplorationWorker, Int) -> Execution) {
        eachIndex(count) { worker, i in !run.isStopped && run.record(execute(worker, i), on: worker) }
    }

    /// Calls `body` once for each index 0..<count, spread over the workers; a worker stops
    /// taking indices once `body` returns false.
    func eachIndex(_ count: Int, _ body: @escaping @Sendable (ExplorationWorker, Int) -> Bool) {
        let next = Locked(0)
        _ = onWorkers(min(workers, max(count, 1))) { worker, _ in
            while true {
                let i = next.withLock { n -> Int in
                    defer { n += 1 }
                    return n
                }
                guard i < count, body(worker, i) else { return }
            }
        }
    }

    /// Replays `string` exactly (a `+` string: its choices, then the default schedule).
    /// Throws when it is malformed or made for other content.
    /// The options named in the string's strategy field (`pb2,delay-release`) apply. With
    /// `tracing`, the outcome carries the execution recorded in full (scenarios only).
    public func replay(_ string: String, tracing: Bool = false) throws(ReplayError) -> ReplayOutcome {
        var explorer = self
        if let parsed = try? ReplayString(parsing: string) { explorer.options = ExplorationOptions(parsed) }
        let outcome: Result<ReplayOutcome, ReplayError> = explorer.onWorker { worker in
            do throws(ReplayError) { return .success(try self.replay(string, on: worker, tracing: tracing)) } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    func replay(_ string: String, on worker: ExplorationWorker, tracing: Bool = false) throws(ReplayError) -> ReplayOutcome {
        let r = try ReplayString(parsing: string)
        guard r.hash == program.hash else { throw .scenarioChanged(expected: program.hash, got: r.hash) }
        // Options must match the worker's (a worker replays its own failures).
        if ExplorationOptions(r) != worker.options {
            throw .malformed("'\(string)' names other options (strategy field, fault) than this exploration's")
        }
        // A delayed-release choice is 'a' or 'b' even with one actor.
        if let bad = r.choices.first(where: { $0 >= max(program.actorNames.count, worker.options.delayReleases ? 2 : 0) }) {
            throw .noSuchThread(bad, actors: program.actorNames.count)
        }
        var e = worker.execute(ScheduleChooser(prefix: r.choices, strict: !r.thenDefault), tracing: tracing)
        if e.decisions.count < r.choices.count && !e.verdict.failures.contains(where: { $0.hasPrefix("replay diverged") }) {
            e.verdict.failures.append("replay diverged: the execution made \(e.decisions.count) decisions, "
                + "the replay string has \(r.choices.count) choices")
        }
        let diverged = e.verdict.failures.contains { $0.hasPrefix("replay diverged") }
        let actual = r.thenDefault && !diverged ? r
            : ReplayString(hash: program.hash, strategy: r.strategy, choices: e.decisions.map(\.chosen))
        return ReplayOutcome(verdict: e.verdict, replay: actual.description, trace: e.trace)
    }
}
