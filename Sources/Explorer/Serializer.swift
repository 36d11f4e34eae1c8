import CShim
import Instrumentation
#if canImport(Glibc)
import Glibc
#endif

/// Runs N actor threads (real threads) one at a time. A thread runs until its next scheduling
/// point, a declared block, or its end; then the ``ScheduleChooser`` picks who runs next among
/// the threads that can.
///
/// Per thread it tracks: ready at an operation, blocked on a ``WaitTarget`` (runnable again
/// after a `notify` on that target, when it re-checks), waiting for a scenario condition
/// (`after:`, `wait: blocked_in:`), or finished. When no thread can run and not all finished,
/// the execution ends as a hang with a wait-for explanation; more than `progressBudget`
/// decisions without a step or thread finishing ends it as a livelock.
///
/// Ending an execution early (hang, livelock, replay divergence) makes every parked thread
/// leave with `pthread_exit`, after undoing its controller attachment: nothing it held is
/// released (the board is discarded), but no thread stays parked. Single use.
final class Serializer: ExecutionController, @unchecked Sendable {
    /// Why an execution ended before every thread finished.
    enum Ending: Sendable, Equatable {
        case hang(String)
        case livelock(String)
        case diverged(String)
    }

    /// A scenario-level condition a thread waits for (not a model primitive).
    enum Condition: Sendable {
        case labelCompleted(String)
        /// True once `actor` blocked in `label`, false if `label` finished without blocking.
        case labelBlocked(actor: String, label: String)
    }

    enum Status {
        case running
        case ready(SchedulingOperation)
        case blocked(WaitTarget, woken: Bool)
        case waiting(Condition)
        case finished
    }

    struct Slot {
        var name: String
        var status: Status = .running
        var label: String?
        var stepBlocked = false
        var pendingWait: ObjectID?
        var pendingNotified = false
        var fences: [ObjectID: Int] = [:]
    }

    let names: [String]
    private let chooser: ScheduleChooser
    private let progressBudget: Int
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// One condition per thread, and the coordinator's at the end.
    private let conditions: UnsafeMutablePointer<pthread_cond_t>
    private var slots: [Slot]
    private var tids: [UInt64: Int] = [:]
    private var running: Int?
    private var started = false
    private var live: Int
    private var sinceProgress = 0
    private var completed: Set<String> = []
    private var blockedLabels: Set<String> = []
    private(set) var decisions: [Decision] = []
    private(set) var ending: Ending?
    /// Logical time: one tick per scheduling point.
    private(set) var clock: UInt64 = 0

    init(names: [String], chooser: ScheduleChooser, progressBudget: Int = 10_000) {
        self.names = names
        self.chooser = chooser
        self.progressBudget = progressBudget
        slots = names.map { Slot(name: $0) }
        live = names.count
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        conditions = .allocate(capacity: names.count + 1)
        for i in 0...names.count {
            (conditions + i).initialize(to: pthread_cond_t())
            pthread_cond_init(conditions + i, nil)
        }
    }

    deinit {
        for i in 0...names.count { pthread_cond_destroy(conditions + i) }
        conditions.deinitialize(count: names.count + 1)
        conditions.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    private var coordinator: UnsafeMutablePointer<pthread_cond_t> { conditions + names.count }

    // MARK: Coordinator

    /// Starts each thread with `spawn(i)` (which must call ``attach(_:)`` first thing, then
    /// run under this controller and call ``finish()``), lets each run to its first
    /// scheduling point in index order, then serialises them until all finished or the
    /// execution ended. Returns once every thread has left (`join` waits for one).
    ///
    /// Watchdog: a thread that neither reaches a scheduling point nor finishes within
    /// `timeoutSeconds` is blocked outside the model's primitives (a plain lock held across a
    /// scheduling point, a semaphore): the execution ends as a hang naming it, the parked
    /// threads leave, and the stuck threads are detached instead of joined (they end on
    /// their own if they are ever released).
    func run(timeoutSeconds: Double, spawn: (Int) -> pthread_t, join: (pthread_t) -> Void) {
        var threads: [pthread_t] = []
        let deadline = Self.realtime(after: timeoutSeconds)
        var stuck = false
        pthread_mutex_lock(mutex)
        for i in names.indices where !stuck {
            running = i
            pthread_mutex_unlock(mutex)
            threads.append(spawn(i))
            pthread_mutex_lock(mutex)
            while running != nil && !stuck { stuck = wait(until: deadline) }
        }
        if !stuck {
            started = true
            decide(from: nil)
        }
        while live > 0 && !stuck { stuck = wait(until: deadline) }
        if stuck {
            if ending == nil {
                let who = running.map { names[$0] } ?? "a thread"
                end(.hang("\(who) neither reached a scheduling point nor finished within \(timeoutSeconds) s: "
                    + "it is blocked outside the model's primitives (a plain lock or semaphore held across a scheduling point?)"))
            }
            // Parked threads leave at once; give them a moment.
            let grace = Self.realtime(after: 0.2)
            while live > 0 && !wait(until: grace) {}
        }
        let left = threads.indices.map { i -> Bool in if case .finished = slots[i].status { true } else { false } }
        pthread_mutex_unlock(mutex)
        for (i, t) in threads.enumerated() {
            if left[i] { join(t) } else { pthread_detach(t) }
        }
    }

    /// Waits on the coordinator's condition; true when `deadline` passed.
    private func wait(until deadline: timespec) -> Bool {
        var d = deadline
        return pthread_cond_timedwait(coordinator, mutex, &d) == ETIMEDOUT
    }

    private static func realtime(after seconds: Double) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let ns = Int(now.tv_nsec) + Int(max(0, min(seconds, 1e6)) * 1e9)
        var t = timespec()
        t.tv_sec = now.tv_sec + ns / 1_000_000_000
        t.tv_nsec = ns % 1_000_000_000
        return t
    }

    // MARK: Thread side

    /// Registers the calling thread as thread `index`.
    func attach(_ index: Int) {
        pthread_mutex_lock(mutex)
        tids[currentThreadID()] = index
        pthread_mutex_unlock(mutex)
    }

    /// The calling thread has nothing more to do.
    func finish() {
        pthread_mutex_lock(mutex)
        let i = me()
        slots[i].status = .finished
        live -= 1
        sinceProgress = 0
        yield(from: i, park: false)
        pthread_mutex_unlock(mutex)
    }

    func schedulingPoint(_ operation: SchedulingOperation, site: CallSite) {
        pthread_mutex_lock(mutex)
        let i = me()
        clock &+= 1
        if case .wait(let q, _) = operation {
            slots[i].pendingWait = q
            slots[i].pendingNotified = false
        }
        slots[i].status = .ready(operation)
        yield(from: i, park: true)
        switch operation {
        case .fenceEnter(let f, _): slots[i].fences[f, default: 0] += 1
        case .fenceExit(let f, _): slots[i].fences[f, default: 0] -= 1
        default: break
        }
        pthread_mutex_unlock(mutex)
    }

    func block(on target: WaitTarget, site: CallSite) {
        pthread_mutex_lock(mutex)
        let i = me()
        if case .waitQueue(let q, _) = target, slots[i].pendingWait == q {
            slots[i].pendingWait = nil
            if slots[i].pendingNotified {
                // Woken between announcing the wait and sleeping: re-check at once.
                pthread_mutex_unlock(mutex)
                return
            }
        }
        switch target {
        case .waitQueue, .fenceReaders: markBlockedLocked(i)
        case .mutex: break
        }
        slots[i].status = .blocked(target, woken: false)
        yield(from: i, park: true)
        pthread_mutex_unlock(mutex)
    }

    func notify(_ target: WaitTarget) {
        pthread_mutex_lock(mutex)
        for i in slots.indices {
            if case .blocked(let t, false) = slots[i].status, Self.same(t, target) {
                slots[i].status = .blocked(t, woken: true)
            }
            if case .waitQueue(let q, _) = target, slots[i].pendingWait == q { slots[i].pendingNotified = true }
        }
        pthread_mutex_unlock(mutex)
    }

    /// Parks the calling thread until `condition` is decided; returns its answer.
    func wait(for condition: Condition) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let i = me()
        while true {
            if let answer = evaluate(condition) { return answer }
            slots[i].status = .waiting(condition)
            yield(from: i, park: true)
        }
    }

    /// The calling thread starts a step (with its label, for `wait:`).
    func beginStep(label: String?) {
        pthread_mutex_lock(mutex)
        let i = me()
        slots[i].label = label
        slots[i].stepBlocked = false
        pthread_mutex_unlock(mutex)
    }

    /// The calling thread's step ended; returns whether it blocked.
    func endStep() -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let i = me()
        if let l = slots[i].label { completed.insert(l) }
        sinceProgress = 0
        let blocked = slots[i].stepBlocked
        slots[i].label = nil
        return blocked
    }

    /// The calling thread's step is about to sleep without a declared wait (a timed poll).
    func markBlocked() {
        pthread_mutex_lock(mutex)
        markBlockedLocked(me())
        pthread_mutex_unlock(mutex)
    }

    /// The actor names of the registered threads, by thread id (for event records).
    var actorsByThread: [UInt64: String] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return tids.mapValues { names[$0] }
    }

    // MARK: Internals (lock held)

    private func me() -> Int {
        guard let i = tids[currentThreadID()] else { fatalError("Serializer: a thread that was never attached") }
        return i
    }

    private func markBlockedLocked(_ i: Int) {
        slots[i].stepBlocked = true
        if let l = slots[i].label { blockedLabels.insert(l) }
    }

    private static func same(_ a: WaitTarget, _ b: WaitTarget) -> Bool {
        switch (a, b) {
        case (.mutex(let x, _, _), .mutex(let y, _, _)), (.fenceReaders(let x, _), .fenceReaders(let y, _)),
             (.waitQueue(let x, _), .waitQueue(let y, _)):
            x == y
        default: false
        }
    }

    private func evaluate(_ condition: Condition) -> Bool? {
        switch condition {
        case .labelCompleted(let l): return completed.contains(l) ? true : nil
        case .labelBlocked(_, let l):
            if blockedLabels.contains(l) { return true }
            return completed.contains(l) ? false : nil
        }
    }

    private func isEnabled(_ i: Int) -> Bool {
        switch slots[i].status {
        case .ready, .running: true
        case .blocked(_, let woken): woken
        case .waiting(let c): evaluate(c) != nil
        case .finished: false
        }
    }

    /// Hands control on from thread `i` and, if `park`, waits until it is chosen again.
    private func yield(from i: Int, park: Bool) {
        if started {
            decide(from: i)
        } else {
            running = nil
            pthread_cond_signal(coordinator)
        }
        guard park else { return }
        while running != i {
            if ending != nil { leave(i) }
            pthread_cond_wait(conditions + i, mutex)
        }
        slots[i].status = .running
    }

    private func decide(from current: Int?) {
        guard ending == nil else { return }
        sinceProgress += 1
        if sinceProgress > progressBudget {
            end(.livelock("no step finished in \(progressBudget) scheduling decisions: "
                + slots.indices.filter { isEnabled($0) }.map { names[$0] }.joined(separator: ", ") + " keep re-checking"))
            return
        }
        let enabled = slots.indices.filter { isEnabled($0) }
        if enabled.isEmpty {
            if live > 0 { end(.hang(WaitFor.explain(slots: waitForSlots()))) }
            pthread_cond_signal(coordinator)
            return
        }
        var pick = enabled[0]
        if enabled.count > 1 {
            pick = chooser.choose(at: decisions.count, enabled: enabled, current: current)
            if let d = chooser.divergence {
                end(.diverged(d))
                return
            }
            decisions.append(Decision(enabled: enabled, current: current, chosen: pick))
        }
        running = pick
        pthread_cond_signal(conditions + pick)
    }

    private func end(_ e: Ending) {
        ending = e
        running = nil
        for i in 0...names.count { pthread_cond_signal(conditions + i) }
    }

    private func waitForSlots() -> [WaitFor.Slot] {
        var owners: [UInt64: String] = [:]
        for (tid, i) in tids { owners[tid] = names[i] }
        return slots.map { s in
            var state: WaitFor.State
            switch s.status {
            case .blocked(let t, _): state = .blocked(t)
            case .waiting(let c):
                switch c {
                case .labelCompleted(let l): state = .condition("waits for step '\(l)' to finish")
                case .labelBlocked(let a, let l): state = .condition("waits for \(a) to block in '\(l)'")
                }
            case .finished: state = .finished
            default: state = .runnable
            }
            return WaitFor.Slot(name: s.name, state: state, insideFences: Set(s.fences.filter { $0.value > 0 }.keys),
                                ownerNames: owners)
        }
    }

    /// Ends the calling parked thread of an execution that was ended early (lock held).
    private func leave(_ i: Int) -> Never {
        slots[i].status = .finished
        live -= 1
        pthread_cond_signal(coordinator)
        pthread_mutex_unlock(mutex)
        // Undo what Scheduling.withController did on this thread: its defer will never run.
        dm_sched_set_current(nil)
        dm_sched_attach_delta(-1)
        pthread_exit(nil)
    }
}
