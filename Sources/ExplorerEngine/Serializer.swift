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
/// The scheduler is fair, as CHESS's is (Musuvathi and Qadeer, PLDI 2008): a thread that keeps
/// running for a tenth of the budget without progress while another could run yields — it is
/// left out of the next decision, so the switch is no preemption — and the execution notes a
/// busy wait (``busyWait``). A livelock is therefore what stays without progress even under
/// fair scheduling, not a spin that only waited for a thread the default schedule starved.
///
/// Threads come from an ``ActorPool``; control passes between them by posting batons, always
/// after the state lock is released (see `unlock()`). Ending an execution early (hang,
/// livelock, replay divergence) makes every parked thread leave with `pthread_exit`, after
/// undoing its controller attachment: nothing it held is released (the board is discarded),
/// but no thread stays parked; the pool replaces those workers. Single use.
// Sendable: its mutable state is guarded by the state lock; control passes between threads only through batons posted after that lock is released.
package final class Serializer: ExecutionController, @unchecked Sendable {
    /// Why an execution ended before every thread finished.
    package enum Ending: Sendable, Equatable {
        case hang(String)
        case livelock(String)
        case diverged(String)
    }

    /// A scenario-level condition a thread waits for (not a model primitive).
    package enum Condition: Sendable {
        case labelCompleted(String)
        /// True once `actor` blocked in `label`, false if `label` finished without blocking.
        case labelBlocked(actor: String, label: String)
    }

    enum Status {
        /// Not started yet (lazy start): enabled, its first operation not known yet.
        case unstarted
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
        /// Left with `pthread_exit`: its pool worker must be replaced.
        var exited = false
        /// Its transition in progress (when transitions are recorded).
        var transition: Int?
        /// Started lazily by a decision that already chose its first operation: its first
        /// scheduling point continues without another.
        var chosenAtStart = false
    }

    /// How the coordinator's wait for an execution ended.
    struct RunReport {
        /// Threads that left with `pthread_exit`.
        var exited: [Int]
        /// Some thread never came back (blocked outside the model): the pool is unusable.
        var stuck: Bool
    }

    let names: [String]
    private let chooser: ScheduleChooser
    private let progressBudget: Int
    private let pool: ActorPool
    private let mutex = InternalLock()
    /// Batons to post once the lock is released: bit i for thread i, bit `names.count` for the
    /// coordinator.
    private var postMask: UInt64 = 0
    private var bodies: [@Sendable () -> Void] = []
    private var slots: [Slot]
    /// Thread id by index (0: not attached). The caller is nearly always the running thread,
    /// checked with one comparison; otherwise a scan of a few entries.
    private var tidOf: [UInt64]
    private var running: Int?
    private var started = false
    /// Bodies run in turn on one thread (``runDirect(bodies:)``).
    private var direct = false
    private var live: Int
    private var sinceProgress = 0
    /// Decisions in a row that kept the same thread running without progress.
    private var sameThreadRun = 0
    /// After this many, a thread that could let another run yields (fairness).
    private var fairnessLimit: Int { max(1, progressBudget / 10) }
    /// The first busy wait the fair scheduler broke: a thread that spun on another's progress.
    private(set) var busyWait: String?
    private var completed: Set<String> = []
    private var blockedLabels: Set<String> = []
    private(set) var decisions: [Decision] = []
    /// Every transition (also those without a choice), when the reduction asks for them.
    private(set) var transitions: [Transition] = []
    private let recordsTransitions: Bool
    private let delaysReleases: Bool
    private let startsLazily: Bool
    /// Classes of interchangeable threads, and which threads have run since the start.
    private let symmetry: [[Int]]
    private var hasRun: [Bool]
    /// Releases the schedule chose to delay, run after every thread finished.
    private var deferred: [@Sendable () -> Void] = []
    private(set) var ending: Ending?
    /// Logical time: one tick per scheduling point.
    package var clock: UInt64 = 0

    /// ``clock``, read under the lock (from threads other than the running one).
    package var currentTick: UInt64 {
        lock()
        defer { unlock() }
        return clock
    }

    /// `pool` must have one worker per name.
    ///
    /// `startsLazily`: a thread starts only when a decision first chooses it, instead of every
    /// thread running to its first scheduling point before the first decision. The same
    /// decisions, the same schedules, provided that every thread's first yield is a
    /// scheduling point and what runs before it is the thread's own (scenario actors whose
    /// first step waits for no label); it saves three thread switches of the eleven an
    /// execution of the canonical scenario made. Not with recorded transitions: the reduction
    /// needs each thread's next operation at every decision.
    init(names: [String], chooser: ScheduleChooser, progressBudget: Int = 10_000, pool: ActorPool,
         recordsTransitions: Bool = false, delaysReleases: Bool = false, symmetry: [[Int]] = [], startsLazily: Bool = false) {
        self.recordsTransitions = recordsTransitions
        self.startsLazily = startsLazily && !recordsTransitions
        self.symmetry = symmetry
        hasRun = Array(repeating: false, count: names.count)
        self.delaysReleases = delaysReleases
        precondition(pool.size == names.count, "one pool worker per actor")
        self.names = names
        self.chooser = chooser
        self.progressBudget = progressBudget
        self.pool = pool
        slots = names.map { Slot(name: $0) }
        tidOf = Array(repeating: 0, count: names.count)
        live = names.count
    }

    private func lock() { mutex.lock() }

    /// Releases the state lock, then wakes whoever was handed control meanwhile: posting
    /// under the lock would wake a thread only to block on it.
    private func unlock() {
        var mask = postMask
        postMask = 0
        mutex.unlock()
        while mask != 0 {
            dm_baton_post(pool.batons + mask.trailingZeroBitCount)
            mask &= mask - 1
        }
    }

    private func post(_ i: Int) { postMask |= 1 << UInt64(i) }
    private var coordinatorIndex: Int { names.count }

    /// Hands thread `i` its body (run under this controller) and wakes it.
    private func start(_ i: Int) {
        let body = bodies[i]
        pool.assign(i) { [self] in
            attach(i)
            Scheduling.withController(self) { body() }
            finish()
        }
        running = i
        post(i)
    }

    // MARK: Coordinator

    /// Runs `bodies` (one per actor) on the pool's workers: each runs to its first scheduling
    /// point in index order, then they are serialised until all finished or the execution
    /// ended. Returns once every thread has left, or is known to be stuck.
    ///
    /// Watchdog: when the execution has not ended within `timeoutSeconds`, a thread is blocked
    /// outside the model's primitives (a plain lock held across a scheduling point, a
    /// semaphore): the execution ends as a hang naming it, the parked threads leave, and the
    /// report says the pool is stuck.
    func run(timeoutSeconds: Double, bodies: [@Sendable () -> Void]) -> RunReport {
        let deadline = dm_monotonic_ns() + Int64(max(0, min(timeoutSeconds, 1e6)) * 1e9)
        var stuck = false
        lock()
        self.bodies = bodies
        if names.isEmpty {
            started = true
        } else if startsLazily {
            for i in slots.indices { slots[i].status = .unstarted }
            started = true
            decide(from: nil)
        } else {
            start(0)
        }
        while live > 0 && !stuck { stuck = waitAsCoordinator(until: deadline) }
        if stuck {
            if ending == nil {
                let who = running.map { names[$0] } ?? "a thread"
                end(.hang("\(who) neither reached a scheduling point nor finished within \(timeoutSeconds) s: "
                    + "it is blocked outside the model's primitives (a plain lock or semaphore held across a scheduling point?)"))
            }
            // Parked threads leave at once; give them a moment.
            let grace = dm_monotonic_ns() + 200_000_000
            while live > 0 && !waitAsCoordinator(until: grace) {}
        }
        let report = RunReport(exited: slots.indices.filter { slots[$0].exited }, stuck: stuck)
        // The bodies capture what captures this serializer (the steps' environment): a cycle.
        self.bodies = []
        unlock()
        return report
    }

    /// Runs `bodies` one after another on the calling thread, each to its end, with no
    /// controller installed: scheduling points cost what they cost outside the explorer, and
    /// no thread is handed control. The baseline of the benchmark that prices the explorer
    /// (an explored execution against the same schedule run directly), for programs whose
    /// default schedule is this serial order: no actor waits for another (a `wait` for a
    /// condition not yet decided answers false here instead of blocking).
    func runDirect(bodies: [@Sendable () -> Void]) {
        let tid = currentThreadID()
        lock()
        direct = true
        started = true
        unlock()
        for (i, body) in bodies.enumerated() {
            lock()
            for k in tidOf.indices { tidOf[k] = k == i ? tid : 0 }
            running = i
            unlock()
            body()
            lock()
            slots[i].status = .finished
            live -= 1
            unlock()
        }
    }

    /// Sleeps on the coordinator's baton (lock released meanwhile); true when `deadline` passed.
    private func waitAsCoordinator(until deadline: Int64) -> Bool {
        unlock()
        let posted = dm_baton_wait(pool.coordinator, deadline)
        lock()
        return posted == 0
    }

    // MARK: Thread side

    /// Registers the calling thread as thread `index`.
    func attach(_ index: Int) {
        lock()
        tidOf[index] = currentThreadID()
        unlock()
    }

    /// The calling thread has nothing more to do.
    func finish() {
        lock()
        let i = me()
        slots[i].status = .finished
        live -= 1
        sinceProgress = 0
        sameThreadRun = 0
        yield(from: i, park: false)
        unlock()
    }

    package func schedulingPoint(_ operation: SchedulingOperation, site: CallSite) {
        lock()
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
        unlock()
    }

    package func block(on target: WaitTarget, site: CallSite) {
        lock()
        let i = me()
        if case .waitQueue(let q, _) = target, slots[i].pendingWait == q {
            slots[i].pendingWait = nil
            if slots[i].pendingNotified {
                // Woken between announcing the wait and sleeping: re-check at once.
                unlock()
                return
            }
        }
        switch target {
        case .waitQueue, .fenceReaders: markBlockedLocked(i)
        case .mutex: break
        }
        slots[i].status = .blocked(target, woken: false)
        yield(from: i, park: true)
        unlock()
    }

    package func notify(_ target: WaitTarget) {
        lock()
        for i in slots.indices {
            if case .blocked(let t, false) = slots[i].status, Self.same(t, target) {
                slots[i].status = .blocked(t, woken: true)
            }
            if case .waitQueue(let q, _) = target, slots[i].pendingWait == q { slots[i].pendingNotified = true }
        }
        unlock()
    }

    package func touched(_ object: ObjectID) {
        guard recordsTransitions else { return }
        lock()
        if let i = tidOf.firstIndex(of: currentThreadID()), let t = slots[i].transition, !transitions[t].accesses.contains(.write(object)) {
            transitions[t].accesses.append(.write(object))
        }
        unlock()
    }

    /// With delayed releases, a choice: 0 runs the release now, 1 after every thread finished.
    package func deferRelease(of object: ObjectID, name: String, _ release: @escaping @Sendable () -> Void) -> Bool {
        guard delaysReleases else { return false }
        lock()
        defer { unlock() }
        guard ending == nil else { return false }
        let choices = [0, 1]
        let pick = chooser.choose(at: decisions.count, enabled: choices, current: nil)
        if let d = chooser.divergence {
            end(.diverged(d))
            return false
        }
        decisions.append(Decision(enabled: choices, current: nil, chosen: pick))
        if recordsTransitions { transitions.append(Transition(thread: pick, accesses: [], enabled: choices, isChoice: true)) }
        if pick == 1 { deferred.append(release) }
        return pick == 1
    }

    /// Runs the delayed releases, oldest first, on the calling thread, unless the execution
    /// ended early (its threads may hold what a release needs).
    func runDeferredReleases() {
        lock()
        let releases = ending == nil ? deferred : []
        deferred = []
        unlock()
        for release in releases { release() }
    }

    /// Parks the calling thread until `condition` is decided; returns its answer.
    package func wait(for condition: Condition) -> Bool {
        lock()
        defer { unlock() }
        let i = me()
        while true {
            if let answer = evaluate(condition) { return answer }
            if direct { return false }
            slots[i].status = .waiting(condition)
            yield(from: i, park: true)
        }
    }

    /// The calling thread starts a step (with its label, for `wait:`).
    package func beginStep(label: String?) {
        lock()
        let i = me()
        slots[i].label = label
        slots[i].stepBlocked = false
        unlock()
    }

    /// The calling thread's step ended; returns whether it blocked.
    package func endStep() -> Bool {
        lock()
        defer { unlock() }
        let i = me()
        if let l = slots[i].label { completed.insert(l) }
        sinceProgress = 0
        sameThreadRun = 0
        let blocked = slots[i].stepBlocked
        slots[i].label = nil
        return blocked
    }

    /// The calling thread's step is about to sleep without a declared wait (a timed poll).
    package func markBlocked() {
        lock()
        markBlockedLocked(me())
        unlock()
    }

    /// The actor names of the registered threads, by thread id (for event records).
    package var actorsByThread: [UInt64: String] {
        lock()
        defer { unlock() }
        return threadNames
    }

    // MARK: Internals (lock held)

    /// The actor names of the attached threads, by thread id.
    private var threadNames: [UInt64: String] {
        var names: [UInt64: String] = [:]
        for (i, tid) in tidOf.enumerated() where tid != 0 { names[tid] = self.names[i] }
        return names
    }

    private func me() -> Int {
        let tid = currentThreadID()
        if let r = running, tidOf[r] == tid { return r }
        guard let i = tidOf.firstIndex(of: tid) else { fatalError("Serializer: a thread that was never attached") }
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
        case .ready, .running, .unstarted: true
        case .blocked(_, let woken): woken
        case .waiting(let c): evaluate(c) != nil
        case .finished: false
        }
    }

    /// Hands control on from thread `i` and, if `park`, waits until it is chosen again.
    private func yield(from i: Int, park: Bool) {
        if slots[i].chosenAtStart, case .ready = slots[i].status {
            // The decision that started this thread chose this operation already.
            slots[i].chosenAtStart = false
        } else if started {
            slots[i].chosenAtStart = false
            decide(from: i)
        } else if i + 1 < names.count {
            start(i + 1)
        } else {
            started = true
            decide(from: nil)
        }
        guard park else { return }
        while running != i {
            if ending != nil { leave(i) }
            unlock()
            _ = dm_baton_wait(pool.batons + i, -1)
            lock()
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
        // One allocation of the right size (a filter grows its result append by append).
        var candidates: [Int] = []
        candidates.reserveCapacity(slots.count)
        for i in slots.indices where isEnabled(i) { candidates.append(i) }
        var enabled = firstOfEachClass(candidates)
        if let c = current, sameThreadRun >= fairnessLimit, enabled.count > 1, enabled.contains(c) {
            enabled.removeAll { $0 == c }
            sameThreadRun = 0
            if busyWait == nil {
                busyWait = "busy wait: \(names[c]) ran \(fairnessLimit) scheduling decisions without finishing "
                    + "a step while \(enabled.map { names[$0] }.joined(separator: ", ")) could run (it spins on their progress)"
            }
        }
        if enabled.isEmpty {
            if live > 0 { end(.hang(WaitFor.explain(slots: waitForSlots()))) }
            post(coordinatorIndex)
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
        if recordsTransitions {
            slots[pick].transition = transitions.count
            transitions.append(Transition(thread: pick, accesses: [access(of: pick)], enabled: enabled))
        }
        sameThreadRun = pick == current ? sameThreadRun + 1 : 0
        hasRun[pick] = true
        if case .unstarted = slots[pick].status {
            slots[pick].status = .running
            slots[pick].chosenAtStart = true
            start(pick)
        } else {
            running = pick
            if pick != current { post(pick) }
        }
    }

    /// Among interchangeable threads that have not run yet, only the lowest-numbered may.
    private func firstOfEachClass(_ enabled: [Int]) -> [Int] {
        guard !symmetry.isEmpty else { return enabled }
        var held = Set<Int>()
        for members in symmetry { held.formUnion(members.filter { !hasRun[$0] }.dropFirst()) }
        let kept = enabled.filter { !held.contains($0) }
        return kept.isEmpty ? enabled : kept
    }

    /// What thread `i` touches when it runs next.
    private func access(of i: Int) -> Access {
        switch slots[i].status {
        case .ready(let operation): Access(operation)
        case .blocked(let target, _): .write(target.object)
        case .running, .unstarted, .waiting, .finished: .global
        }
    }

    private func end(_ e: Ending) {
        ending = e
        running = nil
        for i in slots.indices {
            if case .unstarted = slots[i].status {
                // Never given a job: nothing to wake, nothing to wait for.
                slots[i].status = .finished
                live -= 1
            } else {
                post(i)
            }
        }
        post(coordinatorIndex)
    }

    private func waitForSlots() -> [WaitFor.Slot] {
        let owners = threadNames
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
        slots[i].exited = true
        live -= 1
        post(coordinatorIndex)
        unlock()
        // Undo what Scheduling.withController did on this thread: its defer will never run.
        dm_sched_set_current(nil)
        dm_sched_attach_delta(-1)
        pthread_exit(nil)
    }
}
