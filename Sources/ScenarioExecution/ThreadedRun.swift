import ScenarioModel
import CharDev
import DriverCore
import Foundation
import Instrumentation

/// How ``ScenarioRunner/runActors(_:on:options:)`` runs the actors.
public struct ThreadedRunOptions: Sendable {
    /// The `--at` label: the device tree is captured when the step so labelled finishes.
    public var snapshotAt: String?
    /// Before each step an actor sleeps a random 0 ..< this many nanoseconds (0: never), to
    /// widen race windows the way rcutorture's stutter does. Ends early if the run is aborted.
    public var stutterNanoseconds: UInt64 = 0
    /// Seeds each actor's stutter (actor `i` uses `seed + i`): the same seed, the same pauses.
    public var seed: UInt64 = 0
    /// The time origin of step and event times (default: when the actors start).
    public var origin: UInt64?

    public init(snapshotAt: String? = nil, stutterNanoseconds: UInt64 = 0, seed: UInt64 = 0, origin: UInt64? = nil) {
        self.snapshotAt = snapshotAt
        self.stutterNanoseconds = stutterNanoseconds
        self.seed = seed
        self.origin = origin
    }
}

/// What the actors of one threaded run did, before any expectation is judged.
public struct ActorRun: Sendable {
    /// Every step reached, per actor in scenario order; an unfinished one shows where a stuck actor is.
    public var steps: [StepOutcome]
    /// One `hang` finding per actor still running at the scenario's deadline (its thread is
    /// abandoned, never joined).
    public var hangs: [FindingRecord]
    /// The origin step and event times count from (``ThreadedRunOptions/origin``).
    public var start: UInt64
    /// From ``ActorRun/start`` until every actor finished or the watchdog gave up on them.
    public var durationNanoseconds: UInt64
    /// Which actor each thread ran (by thread id), to attribute events.
    public var threadActors: [UInt64: String]
    /// The tree at ``ThreadedRunOptions/snapshotAt``, if that step finished.
    public var snapshot: [String]?
    /// Files the actors opened and the run still holds (closed or not): what a process exit
    /// would close.
    public var files: [OpenFile]
}

extension ScenarioRunner {
    /// Runs `scenario`'s actors on `execution`'s board, one real thread per actor, honouring
    /// `after:` and `wait:`, and returns when every actor finished or the scenario's timeout
    /// passed (plus ~20 ms of grace per stuck actor). After a hang, every bound device is
    /// unbound on a detached thread to wake sleepers. Does not detach `execution`: the caller
    /// reads its sanitizer and kernel afterwards, then detaches.
    ///
    /// The one threaded step loop: `devmodel run` calls it once per run, `torture --scenario`
    /// once per iteration on a fresh ``ExecutionContext``, `faults --scenario` once per
    /// injected fault.
    public static func runActors(_ scenario: Scenario, on execution: ExecutionContext,
                                 options: ThreadedRunOptions = ThreadedRunOptions()) -> ActorRun {
        let state = RunState(start: options.origin ?? monotonicNanoseconds(), timeout: scenario.timeoutNanoseconds)
        let outcomes = scenario.actors.map { _ in Locked<[StepOutcome]>([]) }
        let snapshot = Locked<[String]?>(nil)
        let executor = StepExecutor(board: execution.board, environment: state)
        let done = scenario.actors.map { _ in DispatchSemaphore(value: 0) }
        for (a, actor) in scenario.actors.enumerated() {
            let stutter = options.stutterNanoseconds > 0
                ? Stutter(maxNanoseconds: options.stutterNanoseconds, seed: options.seed &+ UInt64(a)) : nil
            let thread = Thread {
                state.threadActors.withLock { $0[currentThreadID()] = actor.name }
                let scheduler = ThreadedScheduler(state: state, controller: ActorController(actor: actor.name, state: state),
                                                  board: execution.board, snapshotAt: options.snapshotAt, snapshot: snapshot,
                                                  stutter: stutter)
                ExecutionContext.runActor(actor, executor: executor, scheduler: scheduler, outcomes: outcomes[a])
                done[a].signal()
            }
            thread.name = "actor \(actor.name)"
            thread.start()
        }
        var stuck: [Int] = []
        for a in scenario.actors.indices {
            let left = state.deadline > monotonicNanoseconds() ? state.deadline - monotonicNanoseconds() : 0
            if done[a].wait(timeout: .now() + .nanoseconds(Int(min(left, UInt64(Int.max))))) == .timedOut {
                stuck.append(a)
            }
        }
        // Every actor still running at the deadline is a hang; then the actors waiting on
        // the runner itself (wait:, after:, sleep) are stopped.
        let hangs = stuck.map { a -> FindingRecord in
            let where_ = outcomes[a].withLock { $0.last(where: { !$0.finished }) }
            return FindingRecord(kind: .hang, object: scenario.actors[a].name,
                                 detail: "still in \(where_.map { describe($0) } ?? "its steps") after \(Durations.render(scenario.timeoutNanoseconds))",
                                 site: where_?.action ?? "")
        }
        if !stuck.isEmpty {
            state.abort()
            for a in stuck { _ = done[a].wait(timeout: .now() + .milliseconds(20)) }
        }
        let duration = state.now()
        if !hangs.isEmpty { rescue(execution.kernel) }
        return ActorRun(steps: outcomes.flatMap { $0.withLock { $0 } }, hangs: hangs, start: state.start,
                        durationNanoseconds: duration, threadActors: state.threadActors.withLock { $0 },
                        snapshot: snapshot.withLock { $0 }, files: state.openHandles)
    }
}

/// One actor's random pauses between steps. Used by its actor's thread only.
// Sendable: `rng` is touched only by the one actor thread that owns this stutter.
final class Stutter: @unchecked Sendable {
    let maxNanoseconds: UInt64
    private var rng: SplitMix64

    init(maxNanoseconds: UInt64, seed: UInt64) {
        self.maxNanoseconds = maxNanoseconds
        rng = SplitMix64(seed: seed)
    }

    func next() -> UInt64 { rng.next() % maxNanoseconds }
}
