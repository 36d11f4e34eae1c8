import Foundation
import Instrumentation

/// The shared state of one exploration, fed by one or more workers: the totals, and for each
/// distinct failure (by its reasons) one schedule, shrunk and reproduced twice once the search
/// is over (``shrinkFailures()``).
///
/// Which schedule: the first by a fixed order over the failing executions themselves — fewest
/// preemptions, then the choices compared lexicographically — never the first one a worker
/// happened to record. A complete exploration runs the same set of schedules with any number
/// of workers, so the reported replay string is a function of the program and the options
/// only. (Keeping the first recorded one made `…:a5b+` with two workers and `…:a6b+` with
/// one.) Runs that stop early (first failure, execution cap) have no such guarantee.
// Sendable: the results are guarded by `lock`, the progress state by `progressLock`.
final class ExplorationRun: @unchecked Sendable {
    let explorer: Explorer
    let strategyCode: String
    private let lock = NSLock()
    private var result = ExplorationResult(executions: 0, failures: [], failingExecutions: 0, outcomes: [:],
                                           complete: true, seconds: 0)
    /// Per failure: the minimal failing schedule so far, and its shrunk form once computed.
    private var best: [[String]: (schedule: ScheduleKey, failure: ExplorationFailure?)] = [:]
    private var reached: Set<String> = []
    private var stopped = false
    private let start = monotonicNanoseconds()

    init(explorer: Explorer, strategyCode: String) {
        self.explorer = explorer
        self.strategyCode = strategyCode
    }

    /// True once a limit or the first failure (when asked) ended the exploration.
    var isStopped: Bool { lock.withLock { stopped } }

    func note(_ text: String) { lock.withLock { result.note = text } }

    private let progressLock = NSLock()

    /// Every `progressInterval`-th execution, a snapshot for the explorer's progress callback
    /// (under its own lock, so reports never overlap and never hold up the counting).
    private func reportProgress(after count: Int) {
        guard let progress = explorer.progress, count % max(1, explorer.progressInterval) == 0 else { return }
        // The snapshot is taken inside the progress lock: reports never go backwards.
        progressLock.withLock {
            let snapshot = lock.withLock {
                ExplorationProgress(executions: result.executions, failingExecutions: result.failingExecutions,
                                    failures: best.count, seconds: Double(monotonicNanoseconds() - start) / 1e9)
            }
            progress(snapshot)
        }
    }

    /// Counts one execution and keeps its failure if it is new or better; returns false when
    /// the exploration must stop.
    func record(_ e: Execution, on worker: ExplorationWorker) -> Bool {
        let schedule = e.verdict.failures.isEmpty ? ScheduleKey(preemptions: 0, choices: [])
            : ScheduleKey(preemptions: e.preemptions, choices: e.decisions.map(\.chosen))
        var count = 0
        let counted: Bool? = lock.withLock {
            // Another worker's execution ended the exploration while this one ran.
            if stopped { return nil }
            // An execution beyond the cap: the search had more to run, so it is incomplete.
            // (Judged here, not when the cap-th execution is counted: a search whose last
            // schedule is the cap-th one is complete.)
            if result.executions >= explorer.maxExecutions {
                result.complete = false
                stopped = true
                return nil
            }
            result.executions += 1
            count = result.executions
            result.outcomes[e.verdict.outcome, default: 0] += 1
            reached.formUnion(e.verdict.reached)
            if e.verdict.injectedFault != nil { result.faultInjections += 1 }
            guard !e.verdict.failures.isEmpty else { return false }
            result.failingExecutions += 1
            result.failingOutcomes[e.verdict.outcome, default: 0] += 1
            if explorer.stopAtFirstFailure { stopped = true }
            if best[e.verdict.failures].map({ schedule < $0.schedule }) ?? true {
                best[e.verdict.failures] = (schedule, nil)
            }
            return true
        }
        guard counted != nil else { return false }
        reportProgress(after: count)
        return lock.withLock { !stopped }
    }

    /// Counts an execution of another shard's schedule (see ``ExplorationShard``); returns
    /// false when the exploration must stop.
    func recordRepeat() -> Bool {
        lock.withLock {
            result.shardRepeats += 1
            return !stopped
        }
    }

    /// Shrinks the schedule kept for each failure, on one worker of its own. Called once the
    /// search is over, so that only the schedule finally kept is shrunk (shrinking runs up to
    /// one execution per choice) and no worker's timing decides which one that is.
    func shrinkFailures() {
        let pending = lock.withLock { best.filter { $0.value.failure == nil }.map { ($0.key, $0.value.schedule) } }
        guard !pending.isEmpty else { return }
        let shrunk = explorer.onWorker { worker in
            pending.map { key, schedule in (key, self.shrink(key, schedule, on: worker)) }
        }
        lock.withLock { for (key, failure) in shrunk { best[key]?.failure = failure } }
    }

    /// The totals, with failures ordered by preemptions, then replay string.
    func finish() -> ExplorationResult {
        lock.withLock {
            var r = result
            r.failures = best.values.compactMap(\.failure).sorted { Self.better($0, than: $1) }
            r.unreached = explorer.program.reachable.filter { !reached.contains($0) }
            r.seconds = Double(monotonicNanoseconds() &- start) / 1e9
            r.programHash = explorer.program.hash
            r.strategyCode = strategyCode
            r.shard = explorer.shard
            return r
        }
    }

    static func better(_ a: ExplorationFailure, than b: ExplorationFailure) -> Bool {
        (a.preemptions, a.replay.count, a.replay) < (b.preemptions, b.replay.count, b.replay)
    }

    /// The shortest prefix of the failing schedule's choices that, followed by the default
    /// schedule, fails the same way; then replayed twice from its string.
    private func shrink(_ failures: [String], _ schedule: ScheduleKey, on worker: ExplorationWorker) -> ExplorationFailure {
        let choices = schedule.choices
        let fault = explorer.options.failNth
        var string = ReplayString(hash: explorer.program.hash, strategy: strategyCode, choices: choices, fault: fault)
        var preemptions = schedule.preemptions
        for length in 0..<choices.count {
            let attempt = worker.execute(ScheduleChooser(prefix: Array(choices[..<length])))
            if attempt.verdict.failures == failures {
                string = ReplayString(hash: explorer.program.hash, strategy: strategyCode,
                                      choices: Array(choices[..<length]), thenDefault: true, fault: fault)
                preemptions = attempt.preemptions
                break
            }
        }
        let text = string.description
        let twice = (0..<2).allSatisfy { _ in (try? explorer.replay(text, on: worker))?.verdict.failures == failures }
        return ExplorationFailure(reasons: failures, replay: text, preemptions: preemptions, reproduced: twice, found: schedule)
    }
}

/// The fixed order in which failing schedules compete: fewer preemptions first, then the
/// thread choices lexicographically (a proper prefix before its extensions).
public struct ScheduleKey: Comparable, Sendable {
    public let preemptions: Int
    /// The thread chosen at each decision, 0-based.
    public let choices: [Int]

    public init(preemptions: Int, choices: [Int]) {
        self.preemptions = preemptions
        self.choices = choices
    }

    public static func < (a: Self, b: Self) -> Bool {
        if a.preemptions != b.preemptions { return a.preemptions < b.preemptions }
        return a.choices.lexicographicallyPrecedes(b.choices)
    }
}
