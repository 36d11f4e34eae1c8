import Foundation
import Instrumentation
import Scenarios

/// The deterministic interleaving explorer: runs a program's actors on real threads one at a
/// time, choosing at every scheduling point of the model's primitives (and before every
/// scenario step) which thread runs next.
///
/// ```swift
/// let result = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: 2))
/// #expect(result.failures.isEmpty, "\(result.replayStrings)")
/// ```
///
/// Guarantees: each execution starts from a fresh world (a new board for scenarios); the same
/// choices give the same execution (replay strings reproduce it, and are checked by replaying
/// each failure a second time); every thread started has finished when a call returns.
/// Cost per execution: building the world, one thread per actor, and two thread switches per
/// scheduling decision that changes thread (a few microseconds each).
public struct Explorer: Sendable {
    /// What is explored.
    public let program: ExplorationProgram
    /// Scheduling decisions without a step finishing before an execution is a livelock.
    public var progressBudget = 10_000
    /// An exploration stops (``ExplorationResult/complete`` false) after this many executions.
    public var maxExecutions = 100_000
    /// Watchdog per execution: a thread blocked outside the model's primitives this long ends
    /// the execution as a hang (see ``ExplorationFailure``).
    public var executionTimeoutSeconds = 10.0
    /// Stop at the first failing execution.
    public var stopAtFirstFailure = false
    /// Run each exploring thread and its actors on one CPU (different CPUs for explorations
    /// side by side): hand-offs between actors become same-CPU switches.
    public var pinThreads = true

    /// Explores `program` (for example ``ExplorationProgram/custom(name:actors:make:)``).
    public init(program: ExplorationProgram) { self.program = program }
    /// Explores a scenario (see ``ExplorationProgram/scenario(_:)``).
    public init(scenario: Scenario) { program = .scenario(scenario) }

    /// Runs `body` on a fresh exploring thread (pinned unless ``pinThreads`` is off).
    func onWorker<R: Sendable>(_ body: @escaping @Sendable (ExplorationWorker) -> R) -> R {
        ExplorationWorker.run(program: program, progressBudget: progressBudget, timeoutSeconds: executionTimeoutSeconds,
                              cpu: pinThreads ? ExplorationWorker.nextCPU() : nil, body)
    }

    /// One execution under `chooser`, on a worker of its own (tests).
    func execute(_ chooser: ScheduleChooser) -> Execution { onWorker { $0.execute(chooser) } }

    /// Explores the program's schedules with `strategy`; never crashes, always returns.
    public func explore(strategy: ExplorationStrategy = .preemptionBounded()) -> ExplorationResult {
        guard program.actorNames.count <= 26 else {
            return ExplorationResult(executions: 0, failures: [ExplorationFailure(reasons: ["the explorer handles at most 26 actors"], replay: "",
                                                                                  preemptions: 0, reproduced: false)],
                                     failingExecutions: 0, outcomes: [:], complete: true, seconds: 0)
        }
        return onWorker { worker in self.explore(strategy: strategy, on: worker) }
    }

    private func explore(strategy: ExplorationStrategy, on worker: ExplorationWorker) -> ExplorationResult {
        let start = monotonicNanoseconds()
        var result = ExplorationResult(executions: 0, failures: [], failingExecutions: 0, outcomes: [:],
                                       complete: true, seconds: 0)
        var seen: Set<[String]> = []
        /// Records one execution; returns false when exploration must stop.
        func record(_ e: Execution, preemptions: Int) -> Bool {
            result.executions += 1
            result.outcomes[e.verdict.outcome, default: 0] += 1
            if !e.verdict.failures.isEmpty {
                result.failingExecutions += 1
                if seen.insert(e.verdict.failures).inserted {
                    let replay = ReplayString(hash: program.hash, strategy: strategy.code,
                                              choices: e.decisions.map(\.chosen)).description
                    let again = try? self.replay(replay, on: worker)
                    result.failures.append(ExplorationFailure(reasons: e.verdict.failures, replay: replay,
                                                              preemptions: preemptions,
                                                              reproduced: again?.verdict == e.verdict))
                }
                if stopAtFirstFailure { return false }
            }
            if result.executions >= maxExecutions {
                result.complete = false
                return false
            }
            return true
        }
        switch strategy {
        case .random(let seed, let n):
            var seeds = SplitMix64(seed: seed)
            for _ in 0..<max(0, n) {
                let e = worker.execute(ScheduleChooser(seed: seeds.next()))
                if !record(e, preemptions: e.preemptions) { break }
            }
        case .pct(let depth, let seed, let n):
            // k: the decisions of one default schedule (counted as an execution).
            let first = worker.execute(ScheduleChooser())
            guard record(first, preemptions: 0) else { break }
            let threads = program.actorNames.count
            let k = max(first.decisions.count, 1)
            let d = max(depth, 1)
            let denominator = Double(threads) * pow(Double(k), Double(d - 1))
            result.note = "PCT depth \(d): each execution finds a bug of depth \(d) with probability ≥ 1/(n·k^(d−1)) = "
                + "1/\(Int(denominator.rounded())) (n = \(threads) threads, k = \(k) decisions)"
            var seeds = SplitMix64(seed: seed)
            for _ in 0..<max(0, n - 1) {
                let e = worker.execute(ScheduleChooser(pctThreads: threads, steps: k, depth: d, seed: seeds.next()))
                if !record(e, preemptions: e.preemptions) { break }
            }
        case .exhaustive(let reduction):
            if reduction { reduced(worker, record) } else { bounded(Int.max, worker, record) }
        case .preemptionBounded(let bound):
            bounded(max(0, bound), worker, record)
        }
        result.seconds = Double(monotonicNanoseconds() &- start) / 1e9
        return result
    }

    /// Iterative preemption bounding: one work list per preemption count; each schedule is
    /// run exactly once (alternatives are only taken after the forced prefix).
    private func bounded(_ bound: Int, _ worker: ExplorationWorker, _ record: (Execution, Int) -> Bool) {
        var buckets: [Int: [[Int]]] = [0: [[]]]
        var level = 0
        while level <= bound, let _ = buckets[level] {
            while let prefix = buckets[level]?.popLast() {
                let e = worker.execute(ScheduleChooser(prefix: prefix))
                if !record(e, level) { return }
                var preemptions = 0
                for (k, d) in e.decisions.enumerated() {
                    if k >= prefix.count {
                        for t in d.enabled.reversed() where t != d.chosen {
                            let p = preemptions + (Decision(enabled: d.enabled, current: d.current, chosen: t).isPreemption ? 1 : 0)
                            if p <= bound { buckets[p, default: []].append(e.decisions[..<k].map(\.chosen) + [t]) }
                        }
                    }
                    if d.isPreemption { preemptions += 1 }
                }
            }
            buckets[level] = nil
            level += 1
            if buckets.isEmpty { break }
            while buckets[level] == nil && level <= bound { level += 1 }
        }
    }

    /// Exhaustive exploration with dynamic partial-order reduction (see ``PartialOrderReduction``).
    private func reduced(_ worker: ExplorationWorker, _ record: (Execution, Int) -> Bool) {
        var reduction = PartialOrderReduction()
        var prefix: [Int] = []
        while true {
            let e = worker.execute(ScheduleChooser(prefix: prefix), recordingTransitions: true)
            guard record(e, e.preemptions) else { return }
            reduction.record(e.transitions)
            guard let next = reduction.next() else { return }
            prefix = next
        }
    }

    /// Replays `string` exactly. Throws when it is malformed or made for other content.
    public func replay(_ string: String) throws(ReplayError) -> ReplayOutcome {
        let outcome: Result<ReplayOutcome, ReplayError> = onWorker { worker in
            do throws(ReplayError) { return .success(try self.replay(string, on: worker)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    private func replay(_ string: String, on worker: ExplorationWorker) throws(ReplayError) -> ReplayOutcome {
        let r = try ReplayString(parsing: string)
        guard r.hash == program.hash else { throw .scenarioChanged(expected: program.hash, got: r.hash) }
        if let bad = r.choices.first(where: { $0 >= program.actorNames.count }) {
            throw .noSuchThread(bad, actors: program.actorNames.count)
        }
        var e = worker.execute(ScheduleChooser(prefix: r.choices, strict: true))
        if e.decisions.count < r.choices.count && !e.verdict.failures.contains(where: { $0.hasPrefix("replay diverged") }) {
            e.verdict.failures.append("replay diverged: the execution made \(e.decisions.count) decisions, "
                + "the replay string has \(r.choices.count) choices")
        }
        let actual = ReplayString(hash: program.hash, strategy: r.strategy, choices: e.decisions.map(\.chosen))
        return ReplayOutcome(verdict: e.verdict, replay: actual.description)
    }
}
