import ScenarioModel
import CharDev
import DriverCore
import Foundation
import Instrumentation

/// Runs a scenario: builds its board on a fresh `Kernel`, starts one real thread per actor,
/// honours `after:` and `wait:`, and evaluates every expectation.
///
/// Guarantees: returns within the scenario's timeout plus a short grace period, whatever the
/// model does — a run still going at the deadline is reported as a `hang` finding naming each
/// stuck actor and step (a thread stuck inside the model is abandoned, never joined). A board
/// that cannot be built runs no actor. Times are integer nanoseconds from the actors' start.
/// Cost: one thread per actor; events are recorded in memory.
public enum ScenarioRunner {
    /// Runs `scenario` once on a fresh kernel and returns everything it found. Blocks the
    /// caller for at most the scenario's timeout plus ~20 ms of grace per stuck actor.
    /// With `snapshotAt`, the device tree is captured the moment the step with that label
    /// finishes (`devmodel tree --at LABEL`).
    public static func run(_ scenario: Scenario, snapshotAt: String? = nil) -> RunResult {
        let origin = monotonicNanoseconds()
        var result = RunResult(scenario: scenario.name, setup: [], steps: [], expectations: [], findings: [],
                               events: [], durationNanoseconds: 0)
        let execution: ExecutionContext
        do {
            execution = try ExecutionContext(scenario)
        } catch {
            result.setupError = error.message
            result.expectations = [ExpectationResult(name: "setup", passed: false, detail: error.message)]
            return result
        }
        defer { execution.detach() }
        let kernel = execution.kernel
        result.setup = TreeText.lines(kernel)

        let run = runActors(scenario, on: execution, options: ThreadedRunOptions(snapshotAt: snapshotAt, origin: origin))
        result.durationNanoseconds = run.durationNanoseconds
        result.steps = run.steps
        result.snapshot = run.snapshot
        result.events = execution.recorder.events.filter { !$0.kind.rawValue.hasPrefix("lock.") }.map {
            EventRecord(sequence: $0.sequence, timeNanoseconds: $0.time >= run.start ? $0.time - run.start : 0,
                        kind: $0.kind.rawValue, object: $0.objectName, detail: $0.detail, site: $0.site.description,
                        actor: run.threadActors[$0.thread])
        }
        result.findings = execution.findings(hangs: run.hangs)
        result.expectations = ExpectationEvaluator.evaluate(scenario, steps: result.steps, findings: result.findings,
                                                            events: result.events)
        return result
    }

    /// After a hang: unbinds every bound device on a detached thread, which wakes readers
    /// sleeping in the model (ENODEV) so their threads can end. Never waited for: the hang
    /// may be a deadlock the unbind would join.
    static func rescue(_ kernel: Kernel) {
        let thread = Thread {
            for device in kernel.devices.reversed() where device.state == .bound { try? kernel.unbind(device) }
        }
        thread.name = "scenario rescue"
        thread.start()
    }

    static func describe(_ o: StepOutcome) -> String {
        "step \(o.index + 1)\(o.label.map { " [\($0)]" } ?? "") \(o.action)"
    }
}

/// Real threads in real time, one per actor: `after:` waits on the run's state, a blocking
/// step is seen by the actor's ``ActorController``, and the `--at` snapshot is taken when its
/// step finishes.
struct ThreadedScheduler: StepScheduler {
    let state: RunState
    /// The actor's own controller, made once for all its steps (as the runner did before).
    let controller: ActorController
    let board: ScenarioBoard
    let snapshotAt: String?
    let snapshot: Locked<[String]?>
    /// Torture's random pause before each step (nil: none).
    var stutter: Stutter? = nil

    var now: UInt64 { state.now() }

    func enter(_ step: StepSpec, actor: String, index: Int) -> Bool {
        if state.aborted { return false }
        if let after = step.after, !state.waitCompleted(after) { return false }
        if let stutter { state.sleep(nanoseconds: stutter.next()) }
        state.begin(actor: actor, index: index, label: step.label)
        return true
    }

    func perform(_ step: StepSpec, actor: String, executor: StepExecutor) -> StepEffect {
        // A timed poll sleeps in real time, outside the controller (it cannot block forever).
        if case .poll(_, let timeout?) = step.action, timeout > 0 {
            return executor.perform(step) { state.markBlocked(actor: actor) }
        }
        return Scheduling.withController(controller) {
            executor.perform(step) { state.markBlocked(actor: actor) }
        }
    }

    func leave(_ step: StepSpec, actor: String) -> Bool { state.end(actor: actor, label: step.label) }

    func finished(_ outcome: StepOutcome) {
        guard let snapshotAt, outcome.label == snapshotAt else { return }
        let tree = TreeText.lines(board.kernel, devres: true)
        snapshot.withLock { $0 = tree }
    }
}
