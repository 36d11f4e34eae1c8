import ScenarioModel
import CharDev
import DriverDescription
import DriverCore
import Instrumentation
import Sanitizer

/// How a scheduler runs the steps of one actor: what `devmodel run` (real threads, real
/// time) and `devmodel explore` (serialised threads, logical time) do differently. Everything
/// else — building the board, recording each step's outcome, counting and classifying the
/// findings — is ``ExecutionContext``'s, once, for both.
public protocol StepScheduler: Sendable {
    /// The time a step starts or ends at: nanoseconds since the actors started, or a tick.
    var now: UInt64 { get }
    /// Before step `index` of `actor`: waits for the step's `after:` label, announces what the
    /// scheduler needs announced, and marks the step begun. False stops the actor (the run
    /// was aborted); the step stays unfinished.
    func enter(_ step: StepSpec, actor: String, index: Int) -> Bool
    /// Performs the step on the calling thread.
    func perform(_ step: StepSpec, actor: String, executor: StepExecutor) -> StepEffect
    /// After the step: marks it ended and says whether it blocked on the way.
    func leave(_ step: StepSpec, actor: String) -> Bool
    /// The finished step's outcome (a run takes its `--at` snapshot here).
    func finished(_ outcome: StepOutcome)
}

extension StepScheduler {
    public func finished(_ outcome: StepOutcome) {}
}

/// One execution of a scenario, whoever schedules it: a fresh `Kernel` with an event
/// recorder and the sanitizer attached, the board built on it, the actors' step loop and the
/// one way findings are counted.
///
/// Findings are classified once, by the `Sanitizer` (every `ref.misuse`, use after free,
/// wrong-device devres … event becomes exactly one `FindingKind`), plus the hangs the
/// scheduler observed: a scenario with one double put reports one finding under `run` and
/// under `explore`. Leaks are not counted: a scenario ends with its board still registered.
///
/// Cost: what the board costs to build, one recorder, one sanitizer. Not thread-safe to set
/// up; the actors' loops run concurrently (each writes its own outcome list).
public final class ExecutionContext: Sendable {
    public let kernel: Kernel
    public let recorder: EventRecorder
    public let sanitizer: Sanitizer
    public let board: ScenarioBoard

    /// Builds the board of `scenario` on a fresh kernel.
    ///
    /// - Parameters:
    ///   - scenario: the scenario whose board is built.
    ///   - keeping: the event kinds the recorder keeps (nil: all).
    ///   - configure: runs on the kernel before anything is attached or built.
    /// - Throws: the board's ``ScenarioBoard/BoardError`` when it cannot be built; nothing is left
    ///   attached then.
    public init(_ scenario: Scenario, keeping: Set<EventKind>? = nil,
                configure: (Kernel) -> Void = { _ in }) throws(ScenarioBoard.BoardError) {
        kernel = Kernel()
        configure(kernel)
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        sanitizer = Sanitizer(attachingTo: kernel)
        do {
            board = try ScenarioBoard.build(scenario, kernel: kernel)
        } catch {
            kernel.events.detach(recorder)
            kernel.events.detach(sanitizer)
            throw error
        }
    }

    /// Stops observing: call once every actor has stopped.
    public func detach() {
        kernel.events.detach(recorder)
        kernel.events.detach(sanitizer)
    }

    /// The execution's findings: the sanitizer's, each once, then `hangs`.
    public func findings(hangs: [FindingRecord] = []) -> [FindingRecord] {
        sanitizer.findings.map(FindingRecord.init) + hangs
    }

    /// Runs `actor`'s steps on the calling thread under `scheduler`, appending each step's
    /// outcome to `outcomes` before it starts (so an actor that never finishes shows where it
    /// is) and completing it when the step returns.
    public static func runActor(_ actor: ActorSpec, summaries: [String]? = nil, executor: StepExecutor,
                                scheduler: some StepScheduler, outcomes: Locked<[StepOutcome]>) {
        for (index, step) in actor.steps.enumerated() {
            var outcome = StepOutcome(actor: actor.name, index: index, label: step.label,
                                      action: summaries?[index] ?? step.action.summary, startNanoseconds: scheduler.now)
            outcomes.withLock { $0.append(outcome) }
            guard scheduler.enter(step, actor: actor.name, index: index) else { return }
            outcome.startNanoseconds = scheduler.now
            // Described drivers name the actor in their trails; a board without them need not
            // pay for the task-local on every step of every explored execution.
            let effect = executor.board.described == nil ? scheduler.perform(step, actor: actor.name, executor: executor)
                : DescribedContext.$step.withValue(DescribedContext.ActorStep(actor: actor.name, index: index, action: outcome.action)) {
                    scheduler.perform(step, actor: actor.name, executor: executor)
                }
            outcome.blocked = scheduler.leave(step, actor: actor.name)
            outcome.endNanoseconds = scheduler.now
            outcome.finished = true
            outcome.errno = effect.errno?.name
            outcome.message = effect.message
            outcome.returns = effect.returns
            outcome.revents = effect.revents?.names
            let finished = outcome
            outcomes.withLock { $0[index] = finished }
            scheduler.finished(finished)
        }
    }
}
