import ScenarioModel
import CharDev
import Foundation
import Instrumentation

/// The shared state of one run: labels reached, who is blocked where, open handles, and the
/// watchdog's abort flag. One condition variable; every wait on it is bounded by the run's
/// deadline, so nothing here can hang the runner.
// Sendable: every mutable field is guarded by `condition`.
final class RunState: StepEnvironment, @unchecked Sendable {
    private let condition = NSCondition()
    private var completed: [String: UInt64] = [:]
    private var blockedLabels: Set<String> = []
    private var currentStep: [String: (index: Int, label: String?)] = [:]
    private var stepBlocked: [String: Bool] = [:]
    private var handles: [String: OpenFile] = [:]
    private var notifications: UInt64 = 0
    private(set) var aborted = false
    let threadActors = Locked<[UInt64: String]>([:])
    let start: UInt64
    let deadline: UInt64

    /// `start`: the time origin of the run (before the board is built); the watchdog's
    /// deadline is `timeout` after now (the actors' start).
    init(start: UInt64, timeout: UInt64) {
        self.start = start
        deadline = monotonicNanoseconds() &+ timeout
    }

    func now() -> UInt64 { monotonicNanoseconds() &- start }

    private func locked<R>(_ body: () -> R) -> R {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }

    // MARK: Steps

    func begin(actor: String, index: Int, label: String?) {
        locked {
            currentStep[actor] = (index, label)
            stepBlocked[actor] = false
        }
    }

    /// Marks the step finished; returns whether it blocked.
    func end(actor: String, label: String?) -> Bool {
        locked {
            if let label { completed[label] = now() }
            currentStep[actor] = nil
            condition.broadcast()
            return stepBlocked[actor] ?? false
        }
    }

    /// The actor's current step went to sleep (a wait queue, a fence's readers).
    func markBlocked(actor: String) {
        locked {
            stepBlocked[actor] = true
            if let label = currentStep[actor]?.label { blockedLabels.insert(label) }
            condition.broadcast()
        }
    }



    // MARK: Waiting

    /// Waits until `label` finished. False if the run was aborted or the deadline passed.
    func waitCompleted(_ label: String) -> Bool {
        waitUntil { self.completed[label] != nil ? true : nil }
    }

    /// Waits until `label` is blocked; false if it finished without blocking, or on abort.
    /// (Labels are unique per scenario, so the actor is implied.)
    func waitBlocked(actor: String, label: String) -> Bool {
        waitUntil {
            if self.blockedLabels.contains(label) { return true }
            if self.completed[label] != nil { return false }
            return nil
        }
    }

    /// Runs `check` under the lock until it answers, the run is aborted or the deadline passes.
    private func waitUntil(_ check: () -> Bool?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if aborted { return false }
            if let answer = check() { return answer }
            let now = monotonicNanoseconds()
            if now >= deadline { return false }
            _ = condition.wait(until: Date(timeIntervalSinceNow: min(Double(deadline - now) / 1e9, 0.05)))
        }
    }

    /// A primitive of the model may have made progress: wake bounded sleepers.
    func notify() {
        locked {
            notifications &+= 1
            condition.broadcast()
        }
    }

    /// The notification count, to sleep "since" a moment (see ``ActorController``).
    var notificationCount: UInt64 { locked { notifications } }

    /// Sleeps until a notification after `seen` (now, if nil) or `maxNanoseconds`.
    func sleepForProgress(since seen: UInt64? = nil, maxNanoseconds: UInt64) {
        condition.lock()
        defer { condition.unlock() }
        let seen = seen ?? notifications
        let until = Date(timeIntervalSinceNow: Double(maxNanoseconds) / 1e9)
        while notifications == seen && !aborted {
            if !condition.wait(until: until) { return }
        }
    }

    /// Plain sleep that ends early when the run is aborted.
    func sleep(nanoseconds: UInt64) {
        condition.lock()
        defer { condition.unlock() }
        let until = Date(timeIntervalSinceNow: Double(nanoseconds) / 1e9)
        while !aborted {
            if !condition.wait(until: until) { return }
        }
    }

    func abort() {
        locked {
            aborted = true
            condition.broadcast()
        }
    }

    // MARK: Handles

    func setHandle(_ name: String, _ file: OpenFile) { locked { handles[name] = file } }
    func handle(_ name: String) -> OpenFile? { locked { handles[name] } }
    var openHandles: [OpenFile] { locked { Array(handles.values) } }
}

/// Installed on every actor thread: runs the model's primitives for real (no serialisation),
/// but learns when a step goes to sleep — what `wait: {blocked_in:}` and `blocks:` need.
///
/// A block returns after the next notification or 1 ms at most; the primitives re-check
/// their condition in a loop, so a missed notification costs latency, never a hang. A wait
/// queue's sleep counts notifications from its scheduling point, taken while the waiter
/// still holds the queue's lock: a wake-up between that point and the block is not missed.
/// Used by one thread only (its actor's).
// Sendable: used by its actor's thread only (`waitStart`); `state` is itself Sendable.
final class ActorController: ExecutionController, @unchecked Sendable {
    let actor: String
    let state: RunState
    private var waitStart: UInt64?

    init(actor: String, state: RunState) {
        self.actor = actor
        self.state = state
    }

    func schedulingPoint(_ operation: SchedulingOperation, site: CallSite) {
        if case .wait = operation { waitStart = state.notificationCount }
    }

    func block(on target: WaitTarget, site: CallSite) {
        switch target {
        case .waitQueue, .fenceReaders: state.markBlocked(actor: actor)
        case .mutex: break
        }
        state.sleepForProgress(since: waitStart, maxNanoseconds: 1_000_000)
        waitStart = nil
    }

    func notify(_ target: WaitTarget) { state.notify() }
}
