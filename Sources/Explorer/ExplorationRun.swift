import Foundation
import Instrumentation

/// The shared state of one exploration, fed by one or more workers: the totals, and for each
/// distinct failure (by its reasons) the best schedule found — fewest preemptions, then the
/// shortest shrunk replay string — reproduced twice before it is kept.
// Sendable: the results are guarded by `lock`, the progress state by `progressLock`.
final class ExplorationRun: @unchecked Sendable {
    let explorer: Explorer
    let strategyCode: String
    private let lock = NSLock()
    private var result = ExplorationResult(executions: 0, failures: [], failingExecutions: 0, outcomes: [:],
                                           complete: true, seconds: 0)
    private var best: [[String]: ExplorationFailure] = [:]
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
        let preemptions = e.preemptions
        var count = 0
        let counted: Bool? = lock.withLock {
            // Another worker's execution ended the exploration while this one ran.
            if stopped { return nil }
            result.executions += 1
            count = result.executions
            result.outcomes[e.verdict.outcome, default: 0] += 1
            reached.formUnion(e.verdict.reached)
            if e.verdict.injectedFault != nil { result.faultInjections += 1 }
            guard !e.verdict.failures.isEmpty else { return false }
            result.failingExecutions += 1
            result.failingOutcomes[e.verdict.outcome, default: 0] += 1
            if explorer.stopAtFirstFailure { stopped = true }
            return best[e.verdict.failures].map { preemptions < $0.preemptions } ?? true
        }
        guard let worthShrinking = counted else { return false }
        reportProgress(after: count)
        if worthShrinking {
            let failure = shrink(e, on: worker)
            lock.withLock {
                let key = e.verdict.failures
                if best[key].map({ Self.better(failure, than: $0) }) ?? true { best[key] = failure }
            }
        }
        return lock.withLock {
            if result.executions >= explorer.maxExecutions && !stopped {
                result.complete = false
                stopped = true
            }
            return !stopped
        }
    }

    /// The totals, with failures ordered by preemptions, then replay string.
    func finish() -> ExplorationResult {
        lock.withLock {
            var r = result
            r.failures = best.values.sorted { Self.better($0, than: $1) }
            r.unreached = explorer.program.reachable.filter { !reached.contains($0) }
            r.seconds = Double(monotonicNanoseconds() &- start) / 1e9
            return r
        }
    }

    private static func better(_ a: ExplorationFailure, than b: ExplorationFailure) -> Bool {
        (a.preemptions, a.replay.count, a.replay) < (b.preemptions, b.replay.count, b.replay)
    }

    /// The shortest prefix of the failing schedule's choices that, followed by the default
    /// schedule, fails the same way; then replayed twice from its string.
    private func shrink(_ e: Execution, on worker: ExplorationWorker) -> ExplorationFailure {
        let choices = e.decisions.map(\.chosen)
        let fault = explorer.options.failNth
        var string = ReplayString(hash: explorer.program.hash, strategy: strategyCode, choices: choices, fault: fault)
        var preemptions = e.preemptions
        for length in 0..<choices.count {
            let attempt = worker.execute(ScheduleChooser(prefix: Array(choices[..<length])))
            if attempt.verdict.failures == e.verdict.failures {
                string = ReplayString(hash: explorer.program.hash, strategy: strategyCode,
                                      choices: Array(choices[..<length]), thenDefault: true, fault: fault)
                preemptions = attempt.preemptions
                break
            }
        }
        let text = string.description
        let twice = (0..<2).allSatisfy { _ in (try? explorer.replay(text, on: worker))?.verdict.failures == e.verdict.failures }
        return ExplorationFailure(reasons: e.verdict.failures, replay: text, preemptions: preemptions, reproduced: twice)
    }
}
