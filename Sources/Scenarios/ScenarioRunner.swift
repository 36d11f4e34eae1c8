import CharDev
import DriverCore
import Foundation
import Instrumentation
import Sanitizer

/// Runs a scenario: builds its board on a fresh ``Kernel``, starts one real thread per actor,
/// honours `after:` and `wait:`, and evaluates every expectation.
///
/// Guarantees: returns within the scenario's timeout plus a short grace period, whatever the
/// model does — a run still going at the deadline is reported as a `hang` finding naming each
/// stuck actor and step (a thread stuck inside the model is abandoned, never joined). A board
/// that cannot be built runs no actor. Times are integer nanoseconds from the actors' start.
/// Cost: one thread per actor; events are recorded in memory.
public enum ScenarioRunner {
    /// Event kinds that are bugs whatever the scenario expects.
    public static let findingKinds: Set<EventKind> = [.refMisuse, .memoryUseAfterFree, .memoryDoubleFree,
                                                      .devresWrongDevice, .revocableRevokeInsideAccess]

    /// Runs `scenario` once on a fresh kernel and returns everything it found. Blocks the
    /// caller for at most the scenario's timeout plus ~20 ms of grace per stuck actor.
    /// With `snapshotAt`, the device tree is captured the moment the step with that label
    /// finishes (`devmodel tree --at LABEL`).
    public static func run(_ scenario: Scenario, snapshotAt: String? = nil) -> RunResult {
        let origin = monotonicNanoseconds()
        let kernel = Kernel()
        let recorder = EventRecorder()
        kernel.events.attach(recorder)
        // The sanitizer is on in every run (issue 7): its findings join the run's.
        let sanitizer = Sanitizer(attachingTo: kernel)
        defer {
            kernel.events.detach(recorder)
            kernel.events.detach(sanitizer)
        }
        var result = RunResult(scenario: scenario.name, setup: [], steps: [], expectations: [], findings: [],
                               events: [], durationNanoseconds: 0)
        let board: ScenarioBoard
        do {
            board = try ScenarioBoard.build(scenario.board, kernel: kernel)
        } catch {
            result.setupError = error.message
            result.expectations = [ExpectationResult(name: "setup", passed: false, detail: error.message)]
            return result
        }
        result.setup = TreeText.lines(kernel)

        let state = RunState(start: origin, timeout: scenario.timeoutNanoseconds)
        let outcomes = Locked<[String: [StepOutcome]]>([:])
        let snapshot = Locked<[String]?>(nil)
        let done = scenario.actors.map { _ in DispatchSemaphore(value: 0) }
        for (actor, finished) in zip(scenario.actors, done) {
            let thread = Thread {
                state.threadActors.withLock { $0[currentThreadID()] = actor.name }
                runActor(actor, board: board, state: state, outcomes: outcomes, snapshotAt: snapshotAt, snapshot: snapshot)
                finished.signal()
            }
            thread.name = "actor \(actor.name)"
            thread.start()
        }
        var stuck: [String] = []
        for (actor, finished) in zip(scenario.actors, done) {
            let left = state.deadline > monotonicNanoseconds() ? state.deadline - monotonicNanoseconds() : 0
            if finished.wait(timeout: .now() + .nanoseconds(Int(min(left, UInt64(Int.max))))) == .timedOut {
                stuck.append(actor.name)
            }
        }
        if !stuck.isEmpty {
            // Every actor still running at the deadline is a hang; then the actors waiting on
            // the runner itself (wait:, after:, sleep) are stopped.
            for actor in scenario.actors where stuck.contains(actor.name) {
                let where_ = outcomes.withLock { $0[actor.name]?.last(where: { !$0.finished }) }
                result.findings.append(Finding(kind: "hang", object: actor.name,
                                               detail: "still in \(where_.map { describe($0) } ?? "its steps") after \(Durations.render(scenario.timeoutNanoseconds))",
                                               site: where_?.action ?? ""))
            }
            state.abort()
            for (actor, finished) in zip(scenario.actors, done) where stuck.contains(actor.name) {
                _ = finished.wait(timeout: .now() + .milliseconds(20))
            }
        }
        result.durationNanoseconds = state.now()
        if !result.findings.isEmpty { rescue(kernel) }

        let threads = state.threadActors.withLock { $0 }
        let all = recorder.events
        let byActor = outcomes.withLock { $0 }
        result.steps = scenario.actors.flatMap { byActor[$0.name] ?? [] }
        result.snapshot = snapshot.withLock { $0 }
        result.events = all.filter { !$0.kind.rawValue.hasPrefix("lock.") }.map {
            EventRecord(sequence: $0.sequence, timeNanoseconds: $0.time >= state.start ? $0.time - state.start : 0,
                        kind: $0.kind.rawValue, object: $0.objectName, detail: $0.detail, site: $0.site.description,
                        actor: threads[$0.thread])
        }
        // Leaks are not counted here: a scenario ends with its board still registered.
        result.findings = sanitizer.findings.map {
            Finding(kind: $0.kind.rawValue, object: $0.objectName, detail: $0.message, site: $0.access.site.description)
        } + result.findings
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

    static func runActor(_ actor: ActorSpec, board: ScenarioBoard, state: RunState,
                         outcomes: Locked<[String: [StepOutcome]]>, snapshotAt: String? = nil,
                         snapshot: Locked<[String]?>? = nil) {
        let controller = ActorController(actor: actor.name, state: state)
        let executor = StepExecutor(board: board, environment: state)
        for (index, step) in actor.steps.enumerated() {
            if state.aborted { return }
            var outcome = StepOutcome(actor: actor.name, index: index, label: step.label, action: step.action.summary,
                                      startNanoseconds: state.now())
            outcomes.withLock { $0[actor.name, default: []].append(outcome) }
            if let after = step.after, !state.waitCompleted(after) { return }
            state.begin(actor: actor.name, index: index, label: step.label)
            outcome.startNanoseconds = state.now()
            let effect: StepEffect
            if case .poll(_, let timeout?) = step.action, timeout > 0 {
                effect = executor.perform(step) { state.markBlocked(actor: actor.name) }
            } else {
                effect = Scheduling.withController(controller) {
                    executor.perform(step) { state.markBlocked(actor: actor.name) }
                }
            }
            outcome.blocked = state.end(actor: actor.name, label: step.label)
            outcome.endNanoseconds = state.now()
            outcome.finished = true
            outcome.errno = effect.errno?.name
            outcome.message = effect.message
            outcome.returns = effect.returns
            outcome.revents = effect.revents.map(pollNames)
            let finished = outcome
            outcomes.withLock { $0[actor.name]![index] = finished }
            if let snapshotAt, step.label == snapshotAt {
                let tree = TreeText.lines(board.kernel, devres: true)
                snapshot?.withLock { $0 = tree }
            }
        }
    }

    /// The poll bits scenarios name, in the order reports print them.
    static let pollBits: [(PollEvents, String)] = [(.in, "POLLIN"), (.pri, "POLLPRI"), (.out, "POLLOUT"),
                                                   (.err, "POLLERR"), (.hup, "POLLHUP"), (.nval, "POLLNVAL")]

    /// `["POLLERR", "POLLHUP"]` for a set of poll bits (runs and explored executions alike).
    public static func pollNames(_ bits: PollEvents) -> [String] {
        pollBits.filter { bits.contains($0.0) }.map(\.1)
    }
}
