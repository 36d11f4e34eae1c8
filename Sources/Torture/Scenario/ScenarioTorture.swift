import Foundation
import Instrumentation
import ScenarioExecution
import ScenarioModel

/// rcutorture for a scenario file: runs the scenario's actors concurrently on real threads
/// again and again, each iteration on a fresh `ExecutionContext` (a new kernel, board and
/// sanitizer, so iterations are independent), with random stutter between steps in every
/// other iteration; `after:` and `wait:` keep their meaning.
///
/// A failure is: a sanitizer finding, a hang (an actor still running at the scenario's
/// timeout), or a step outcome outside its admissible set (``AdmissibleOutcomes``). Stat
/// lines report iterations, their rate, failures so far and every shown step's outcomes.
///
/// Runs and judges through the one scenario pipeline (`ScenarioRunner.runActors`, the
/// runner's threaded scheduler), so it takes whatever a scenario file can describe.
/// Cost: per iteration, one board build and one thread per actor; blocks the caller for the
/// run's duration (plus at most one scenario timeout for an iteration that hangs).
public enum ScenarioTorture {
    public static func run(_ scenario: Scenario, options: ScenarioTortureOptions,
                           stat: @escaping @Sendable (String) -> Void = { _ in }) -> ScenarioTortureReport {
        run(scenario, options: options, prepare: { _ in }, stat: stat)
    }

    /// `prepare` runs on each iteration's context after its board is built and before the
    /// actors start: the negative-control tests add a broken driver there.
    package static func run(_ scenario: Scenario, options: ScenarioTortureOptions,
                            prepare: (ExecutionContext) throws -> Void,
                            stat: @escaping @Sendable (String) -> Void = { _ in }) -> ScenarioTortureReport {
        var report = ScenarioTortureReport(scenario: scenario.name)
        var tally = ScenarioTortureTally(AdmissibleOutcomes(scenario))
        let start = monotonicNanoseconds()
        let elapsed = { Double(monotonicNanoseconds() - start) / 1e9 }
        var nextStat = options.statInterval
        var failedIterations = 0
        while options.iterations.map({ report.iterations < $0 }) ?? (elapsed() < options.seconds) {
            let iteration = report.iterations + 1
            let execution: ExecutionContext
            do {
                // The recorder keeps nothing: the sanitizer alone judges, and millions of
                // kept events would be the run's main cost.
                execution = try ExecutionContext(scenario, keeping: [])
                try prepare(execution)
            } catch {
                report.setupError = "\(error)"
                break
            }
            let stutter = iteration % 2 == 1 ? UInt64(max(0, options.stutterMicroseconds)) * 1_000 : 0
            let run = ScenarioRunner.runActors(scenario, on: execution, options: ThreadedRunOptions(
                stutterNanoseconds: stutter, seed: options.seed &+ UInt64(iteration) &* 1_000_003))
            let findings = execution.findings(hangs: run.hangs)
            execution.detach()
            report.iterations = iteration
            let failed = tally.add(iteration: iteration, steps: run.steps, findings: findings)
            if failed { failedIterations += 1 }
            let now = elapsed()
            if now >= nextStat {
                // The next line an interval from now, not a burst to catch up after a slow iteration.
                nextStat = now + options.statInterval
                stat(String(format: "torture: t=%.0fs iterations=%d (%.0f/s) failed=%d findings=%d hangs=%d unexpected=%d | %@",
                            now, iteration, Double(iteration) / now, failedIterations,
                            tally.findings.filter { $0.kind != "hang" }.reduce(0) { $0 + $1.count },
                            tally.findings.first { $0.kind == "hang" }?.count ?? 0,
                            tally.unexpected.reduce(0) { $0 + $1.count }, tally.outcomeSummary))
            }
            if failed && options.stopAtFirstFailure { break }
        }
        report.seconds = elapsed()
        report.outcomes = tally.histograms
        report.findings = tally.findings
        report.unexpected = tally.unexpected
        report.reachableNotSeen = tally.reachableNotSeen(scenario.expect.reachable.map(\.description))
        return report
    }
}
