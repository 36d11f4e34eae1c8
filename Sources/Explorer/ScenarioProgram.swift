import ExplorerEngine
import CharDev
#if canImport(Glibc)
import Glibc
#endif
import DriverCore
import Instrumentation
import Sanitizer
import ScenarioExecution
import ScenarioModel

/// The handles and `wait:` synchronisation of one explored execution.
final class ExplorerEnvironment: StepEnvironment, Sendable {
    let serializer: Serializer
    private let handles = Locked<[String: OpenFile]>([:])

    init(serializer: Serializer) { self.serializer = serializer }

    func handle(_ name: String) -> OpenFile? { handles.withLock { $0[name] } }
    func setHandle(_ name: String, _ file: OpenFile) { handles.withLock { $0[name] = file } }
    /// Time does not pass under the explorer: the step's own scheduling point is the choice.
    func sleep(nanoseconds: UInt64) {}
    func waitBlocked(actor: String, label: String) -> Bool {
        serializer.wait(for: .labelBlocked(actor: actor, label: label))
    }
}

extension ExplorationProgram {
    /// A scenario: each execution builds a fresh board (``ScenarioBoard/build(_:kernel:)``),
    /// runs each actor's steps through ``StepExecutor`` on its own thread, announcing a
    /// scheduling point before each step that needs one (``StepPoints``), and evaluates the
    /// expectations with ``ExpectationEvaluator`` over logical time (one tick per scheduling
    /// point).
    ///
    /// Time does not pass under the explorer, so a `poll` with a timeout waits like one
    /// without (until something wakes it): a timeout that had to expire shows up as a
    /// lost wake-up. (The model's own timed wait ends at once under a controller, which would
    /// make every timed poll return early in every schedule.)
    public static func scenario(_ s: Scenario) -> ExplorationProgram {
        let untimed = untimedPolls(s)
        // Worked out once, not per execution (each was a few percent of an execution).
        let plan = ActorPlan.of(untimed)
        var program = ExplorationProgram(name: s.name, hash: ScenarioHash.of(text: schedulingRevision + ScenarioHash.of(s)),
                                         actorNames: s.actors.map(\.name)) { serializer, setup in
            prepare(untimed, plan: plan, serializer: serializer, setup: setup)
        }
        program.reachable = s.expect.reachable.map(\.description)
        program.symmetry = Symmetry.classes(of: s)
        // A first step with `after:` first waits for a label, which is no scheduling point.
        program.startsLazily = s.actors.allSatisfy { $0.steps.first.map { $0.after == nil } ?? false }
        return program
    }

    /// Part of every scenario program's hash: a replay string chooses among threads at
    /// scheduling points, so one made before the points changed would diverge; with the
    /// revision in the hash it is refused up front. Change it whenever the points change
    /// (2: the redundant step points of file operations left out, 3: and of binding actions;
    /// see ``StepPoints``).
    static let schedulingRevision = "scheduling-points-3:"

    /// `s` with every `poll` timeout other than 0 (a non-blocking probe) made indefinite.
    static func untimedPolls(_ s: Scenario) -> Scenario {
        var s = s
        for a in s.actors.indices {
            for i in s.actors[a].steps.indices {
                if case .poll(let f, let t?) = s.actors[a].steps[i].action, t > 0 {
                    s.actors[a].steps[i].action = .poll(file: f, timeoutNanoseconds: nil)
                }
            }
        }
        return s
    }

    static func prepare(_ s: Scenario, plan: [ActorPlan], serializer: Serializer, setup: ExecutionSetup) -> PreparedExecution {
        let ticks = setup.tracing ? TickRecorder(serializer: serializer) : nil
        // What the expectations read; every event only when they match patterns.
        let execution: ExecutionContext
        do {
            execution = try ExecutionContext(s, keeping: s.expect.events.isEmpty ? [.deviceInitialize, .deviceRelease] : nil) {
                $0.testDriverRemove = setup.options.testDriverRemove
                if let ticks { $0.events.attach(ticks) }
            }
        } catch {
            let message = "setup: \(error.message)"
            return PreparedExecution(bodies: s.actors.map { _ in {} }) { _ in Verdict(failures: [message], outcome: "setup") }
        }
        let kernel = execution.kernel
        let setupLines = setup.tracing ? TreeText.lines(kernel) : []
        // Counted from here: the fault falls inside the concurrent part.
        if let n = setup.options.failNth { kernel.faults.arm(failAt: n) }
        let traced = Locked<ExecutionTrace?>(nil)
        let executor = StepExecutor(board: execution.board, environment: ExplorerEnvironment(serializer: serializer))
        // One list per actor, written by its own thread only.
        let outcomes = s.actors.map { _ in Locked<[StepOutcome]>([]) }
        let every = setup.options.everyStepPoint
        let bodies: [@Sendable () -> Void] = s.actors.indices.map { a in
            {
                ExecutionContext.runActor(s.actors[a], summaries: plan[a].summaries, executor: executor,
                                           scheduler: SerializedScheduler(serializer: serializer, plan: plan[a], everyStepPoint: every),
                                           outcomes: outcomes[a])
            }
        }
        return PreparedExecution(bodies: bodies, verdict: { ending in
            execution.detach()
            if let ticks { kernel.events.detach(ticks) }
            let injected = setup.options.failNth == nil ? nil : kernel.faults.disarm().injected
            let threads = serializer.actorsByThread
            let steps = outcomes.flatMap { $0.withLock { $0 } }
            let all = execution.recorder.events
            // Only what the evaluator reads: event records are the costliest part to build.
            let wanted: (LifetimeEvent) -> Bool = !s.expect.events.isEmpty ? { !$0.kind.rawValue.hasPrefix("lock.") }
                : !s.expect.released.isEmpty ? { $0.kind == .deviceInitialize || $0.kind == .deviceRelease }
                : { _ in false }
            let events = all.filter(wanted).map {
                EventRecord(sequence: $0.sequence, timeNanoseconds: 0, kind: $0.kind.rawValue, object: $0.objectName,
                              detail: $0.detail, site: $0.site.description, actor: threads[$0.thread])
            }
            // As in a run: the findings counted and classified once (ExecutionContext).
            var hangs: [FindingRecord] = []
            if case .hang(let why)? = ending {
                hangs.append(FindingRecord(kind: .hang, object: s.actors.map(\.name).joined(separator: ","), detail: why, site: ""))
            }
            var findingData = execution.findings(hangs: hangs)
            if injected != nil {
                // fail-nth's contract: an error path leaks nothing. A reference still held at
                // the end on an object that is not registered (a device whose add failed, one
                // deleted but never released) is a leak; the registered board is not.
                let registered = Set(kernel.devices.map(\.id))
                findingData += execution.sanitizer.leaks.filter {
                    ($0.kind == .leakedReference || $0.kind == .releaseNeverRan) && !registered.contains($0.object)
                }.map(FindingRecord.init)
            }

            var failures: [String] = []
            if let ending { failures.append(ending.summary) }
            if s.expect.findings == nil {
                failures += findingData.filter { $0.kind != .hang }.map { "finding \($0.kind.rawValue) \($0.object): \($0.detail)" }
            }
            // A fault changes the story by design: only what must hold whatever fails is judged
            // (no hang, the findings, releases), not the steps' or the events' expectations.
            var judgedScenario = s
            if injected != nil {
                for a in judgedScenario.actors.indices {
                    for i in judgedScenario.actors[a].steps.indices { judgedScenario.actors[a].steps[i].expect = StepExpectation() }
                }
                judgedScenario.expect.events = []
            }
            let verdicts = ExpectationEvaluator.evaluate(judgedScenario, steps: Records.judged(steps, in: judgedScenario),
                                                       findings: findingData, events: events)
            failures += verdicts.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }
            let outcome = steps.map { "\($0.actor)[\($0.index + 1)]=\($0.finished ? ($0.errno ?? "OK") : "unfinished")" }
                .joined(separator: " ")
            let reached = steps.compactMap { o in
                o.finished ? o.label.map { Reachable(label: $0, errno: o.errno ?? "OK").description } : nil
            }
            if let ticks {
                let tickTime: (UInt64) -> UInt64 = { $0 &* 1_000_000 }
                let traceEvents = ticks.events.map { e, tick in
                    EventRecord(sequence: e.sequence, timeNanoseconds: tickTime(tick), kind: e.kind.rawValue, object: e.objectName,
                                detail: e.detail, site: e.site.description, actor: threads[e.thread])
                }
                let timed = steps.map { o -> StepOutcome in
                    var o = o
                    o.startNanoseconds = tickTime(o.startNanoseconds)
                    o.endNanoseconds = o.endNanoseconds.map(tickTime)
                    return o
                }
                let run = RunResult(scenario: s.name, setup: setupLines, steps: timed, expectations: verdicts,
                                    findings: findingData, events: traceEvents, durationNanoseconds: tickTime(serializer.currentTick))
                traced.withLock { $0 = ExecutionTrace(run: run, tree: TreeDOT.render(kernel, name: s.name)) }
            }
            // Unregister the board (its cdevs, fences and devres form cycles with their
            // owners) and forget the rest, or every execution would leak its whole board. Not
            // after a hang: its threads left holding locks the teardown would need.
            if ending == nil {
                _ = Scheduling.withController(SoloController()) { kernel.unregisterAll() }
            }
            kernel.discard()
            return Verdict(failures: failures, outcome: outcome, reached: reached, injectedFault: injected?.description)
        }, trace: { traced.withLock { $0 } })
    }
}

/// The explorer's half of running an actor's steps: `after:` waits are serialiser
/// conditions, a scheduling point goes before each step that needs one (``StepPoints``), or
/// before every step, and time is the serialiser's logical clock.
struct SerializedScheduler: StepScheduler {
    let serializer: Serializer
    let plan: ActorPlan
    let everyStepPoint: Bool

    var now: UInt64 { serializer.clock }

    func enter(_ step: StepSpec, actor: String, index: Int) -> Bool {
        if let after = step.after { _ = serializer.wait(for: .labelCompleted(after)) }
        if everyStepPoint || plan.stepPoints[index] { Scheduling.point(.step(plan.pointNames[index])) }
        serializer.beginStep(label: step.label)
        return true
    }

    func perform(_ step: StepSpec, actor: String, executor: StepExecutor) -> StepEffect {
        executor.perform(step) { serializer.markBlocked() }
    }

    func leave(_ step: StepSpec, actor: String) -> Bool { serializer.endStep() }
}

/// What each execution of a scenario's actor needs that depends on the scenario only.
struct ActorPlan: Sendable {
    /// Step `i` announces a scheduling point before it starts (``StepPoints``).
    var stepPoints: [Bool]
    /// The steps' one-line summaries, and the names of their step points.
    var summaries: [String]
    var pointNames: [String]

    static func of(_ s: Scenario) -> [ActorPlan] {
        zip(s.actors, StepPoints.needed(in: s)).map { actor, points in
            let summaries = actor.steps.map(\.action.summary)
            return ActorPlan(stepPoints: points, summaries: summaries, pointNames: summaries.map { "\(actor.name): \($0)" })
        }
    }
}

/// The controller of code that runs while every actor of its execution has finished (the
/// board's teardown after the verdict): nothing to interleave, so scheduling points are free,
/// and a revoke knows no reader can be inside and needs no membarrier (whose interrupt would
/// stop the other explorer workers' CPUs). A block has nobody to wait for: it yields and lets
/// the primitive re-check.
final class SoloController: ExecutionController {
    func schedulingPoint(_ operation: SchedulingOperation, site: CallSite) {}
    func block(on target: WaitTarget, site: CallSite) { sched_yield() }
    func notify(_ target: WaitTarget) {}
}
