import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A wait queue (the kernel's `wait_queue_head_t`): threads sleep on it until a condition
/// they check under a ``ModelLock`` becomes true, and `wakeAll` wakes them to re-check.
///
/// Blocking reads and polls in the character-device layer sleep here, so that an unbind can
/// wake every sleeper (they then see the device gone and return ENODEV). Under an explorer
/// the sleep is a declared wait (``WaitTarget/waitQueue(_:name:)``), so a sleeper nobody can
/// wake is reported as a lost wake-up instead of hanging.
///
/// Cost: `wakeAll` is one condition broadcast; a waiter pays a pthread condition wait.
// Sendable: the condition variable is only used with the caller's model lock held; its pointer never changes.
public final class WaitQueue: @unchecked Sendable {
    public let id = ObjectID.next()
    public let name: String
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private let _sleepers = Atomic<Int>(0)

    /// Threads asleep on this queue right now (outside an explorer), for tests that must act
    /// only once a sleeper really sleeps: when it reads n, n threads have checked their
    /// condition under the queue's lock and are inside the condition wait (or about to enter
    /// it, still holding the lock, so a wake that needs the lock cannot be missed).
    /// Cost: one atomic load; the sleep path pays two atomic adds. Thread-safe.
    public var sleepers: Int { _sleepers.load(ordering: .acquiring) }

    public init(name: String) {
        self.name = name
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
    }

    /// Sleeps until `condition()` is true. `lock` must be held by the caller; it is released
    /// while sleeping and held again when this returns.
    public func wait(until condition: () -> Bool, holding lock: ModelLock, site: CallSite) {
        while !condition() {
            if _slowPath(Scheduling.isAttached), let controller = Scheduling.current {
                controller.schedulingPoint(.wait(id, name: name), site: site)
                lock.unlock(site: site)
                controller.block(on: .waitQueue(id, name: name), site: site)
                lock.lock(site: site)
            } else {
                sleep(holding: lock)
            }
        }
    }

    /// Like `wait(until:holding:)` but gives up after `timeout` nanoseconds; returns whether the
    /// condition became true. Timed waits are how the legacy patterns of class P13 (Docs/bug-classes.md) are
    /// modelled; the real design never needs one.
    public func wait(until condition: () -> Bool, holding lock: ModelLock, timeoutNanoseconds: UInt64,
                     site: CallSite) -> Bool {
        let deadline = monotonicNanoseconds() &+ timeoutNanoseconds
        while !condition() {
            let now = monotonicNanoseconds()
            if now >= deadline { return false }
            if _slowPath(Scheduling.isAttached), let controller = Scheduling.current {
                // Under an explorer time does not pass: a timed wait is a wait the explorer
                // may end either way, modelled as one more scheduling choice.
                controller.schedulingPoint(.wait(id, name: name), site: site)
                return condition()
            }
            sleep(holding: lock, untilMonotonic: deadline)
        }
        return true
    }

    /// Wakes every sleeper so it re-checks its condition.
    public func wakeAll(site: CallSite) {
        Scheduling.point(.wake(id, name: name), site: site)
        pthread_cond_broadcast(condition)
        Scheduling.notify(.waitQueue(id, name: name))
    }

    private func sleep(holding lock: ModelLock, untilMonotonic deadline: UInt64? = nil) {
        lock.prepareToSleep()
        _sleepers.add(1, ordering: .releasing)
        defer { _sleepers.subtract(1, ordering: .releasing) }
        if let deadline {
            // pthread conditions default to CLOCK_REALTIME: convert the monotonic deadline.
            let remaining = deadline &- min(deadline, monotonicNanoseconds())
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let total = UInt64(now.tv_nsec) + remaining
            var ts = timespec()
            ts.tv_sec = now.tv_sec + Int(total / 1_000_000_000)
            ts.tv_nsec = Int(total % 1_000_000_000)
            pthread_cond_timedwait(condition, lock.mutex, &ts)
        } else {
            pthread_cond_wait(condition, lock.mutex)
        }
        lock.didWake()
    }
}

// The caller's own line by default: a `CallSite()` default argument would record this file.
extension WaitQueue {
    public func wait(until condition: () -> Bool, holding lock: ModelLock, fileID: StaticString = #fileID, line: UInt = #line) {
        wait(until: condition, holding: lock, site: CallSite(fileID: fileID, line: line))
    }

    public func wait(until condition: () -> Bool, holding lock: ModelLock, timeoutNanoseconds: UInt64,
                     fileID: StaticString = #fileID, line: UInt = #line) -> Bool {
        wait(until: condition, holding: lock, timeoutNanoseconds: timeoutNanoseconds, site: CallSite(fileID: fileID, line: line))
    }

    public func wakeAll(fileID: StaticString = #fileID, line: UInt = #line) { wakeAll(site: CallSite(fileID: fileID, line: line)) }
}
