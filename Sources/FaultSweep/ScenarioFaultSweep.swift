import DriverCore
import Foundation
import Instrumentation
import Sanitizer
import ScenarioExecution
import ScenarioModel

/// fail-nth over a scenario (`devmodel faults --scenario FILE`): fail the 1st, 2nd, …
/// injectable point (devres allocations and actions, object resources, registrations, marked
/// probe steps) reached while building the scenario's board and running its actors, until a
/// run completes without consuming the fault. Each run is a fresh `ExecutionContext` with
/// the injector armed before the board is built, the actors run on real threads by the
/// runner's loop (`ScenarioRunner.runActors`), so a described driver is swept like a built-in one.
///
/// After each run: no hang; every present device bound, or unbound with
/// its devres empty; no sanitizer finding (double release, devres out of LIFO order, use after
/// free…); every device the fault-free board had bound binds again (a clean rebind); then,
/// with open files closed as a process exit would, the board torn down and nothing leaked.
///
/// Points the actors reach race with each other on real threads, so the n-th point of one
/// run need not be the n-th of the next: each run reports the point that actually failed, and
/// the fault-free run's list is the reference.
/// Cost: one board build and one threaded run per point, plus the fault-free run.
public enum ScenarioFaultSweep {
    /// Sweeps `scenario`, injecting at most `limit` faults (``ScenarioSweepResult/truncated`` if reached).
    public static func sweep(_ scenario: Scenario, limit: Int = 512) -> ScenarioSweepResult {
        sweep(scenario, limit: limit, prepare: { _ in })
    }

    /// `prepare` runs on each run's context after its board is built, with the injector
    /// armed: the negative-control tests add a broken driver there.
    package static func sweep(_ scenario: Scenario, limit: Int = 512,
                              prepare: (ExecutionContext) throws -> Void) -> ScenarioSweepResult {
        let start = Date()
        let reference = ScenarioRunCheck.faultFree(scenario, prepare: prepare)
        var runs: [ScenarioSweepRun] = []
        var truncated = true
        for failAt in 1...max(1, limit) {
            guard let run = ScenarioRunCheck.faulted(scenario, failAt: failAt, reference: reference, prepare: prepare) else {
                truncated = false
                break
            }
            runs.append(run)
        }
        // A point without its run-specific "#n " prefix.
        let identity = { (point: String) in String(point.drop { $0 != " " }.dropFirst()) }
        let failed = Set(runs.map { identity($0.point) })
        return ScenarioSweepResult(scenario: scenario.name, points: reference.points,
                                   boardPoints: reference.boardPoints, runs: runs, faultFreeProblems: reference.problems,
                                   neverFailed: reference.points.filter { !failed.contains(identity($0)) },
                                   truncated: truncated, seconds: Date().timeIntervalSince(start))
    }
}
