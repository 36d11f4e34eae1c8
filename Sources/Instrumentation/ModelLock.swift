import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A mutex whose every acquisition is visible to the tools: a scheduling point for the
/// explorer, a `lockAcquire`/`lockRelease` event for the lock-order checker, and an owner
/// for wait-for graphs.
///
/// Use it for locks that model kernel locks (the device lock, a subsystem's lock, a file's
/// lock). `lockClass` groups instances the way lockdep's lock classes do ("device",
/// "gpio.chip"), so an order inversion between two *classes* is reported even when the two
/// instances involved never deadlocked.
///
/// Cost: uncontended lock+unlock ≈ a pthread mutex (~8 ns) plus one relaxed load per
/// scheduling point and one per event when nobody observes. May block.
// Sendable: the pthread mutex is the synchronisation and its pointer never changes; the owner is an atomic.
public final class ModelLock: @unchecked Sendable {
    public let id = ObjectID.next()
    public let lockClass: String
    public let name: String
    private let events: EventStream?
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let ownerThread = Atomic<UInt64>(0)

    public init(class lockClass: String, name: String, events: EventStream? = nil) {
        self.lockClass = lockClass
        self.name = name
        self.events = events
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// The thread that holds the lock, or nil.
    public var owner: UInt64? {
        let o = ownerThread.load(ordering: .relaxed)
        return o == 0 ? nil : o
    }

    /// True when the calling thread holds the lock.
    public var isHeldByCurrentThread: Bool { ownerThread.load(ordering: .relaxed) == currentThreadID() }

    public func lock(site: CallSite) {
        if _slowPath(Scheduling.isAttached), let controller = Scheduling.current {
            controller.schedulingPoint(.lock(id, name: name), site: site)
            // Under an explorer only one thread runs at a time: never park in the OS while
            // holding the schedule, declare what we wait for instead.
            while pthread_mutex_trylock(mutex) != 0 {
                controller.block(on: .mutex(id, name: name, owner: ownerThread.load(ordering: .relaxed)), site: site)
            }
        } else {
            pthread_mutex_lock(mutex)
        }
        ownerThread.store(currentThreadID(), ordering: .relaxed)
        events?.emit(.lockAcquire, object: id, name: name, detail: lockClass, site: site)
    }

    /// Takes the lock if it is free. Never blocks.
    public func tryLock(site: CallSite) -> Bool {
        Scheduling.point(.lock(id, name: name), site: site)
        guard pthread_mutex_trylock(mutex) == 0 else { return false }
        ownerThread.store(currentThreadID(), ordering: .relaxed)
        events?.emit(.lockAcquire, object: id, name: name, detail: lockClass, site: site)
        return true
    }

    public func unlock(site: CallSite) {
        Scheduling.point(.unlock(id, name: name), site: site)
        events?.emit(.lockRelease, object: id, name: name, detail: lockClass, site: site)
        ownerThread.store(0, ordering: .relaxed)
        pthread_mutex_unlock(mutex)
        Scheduling.notify(.mutex(id, name: name, owner: 0))
    }

    /// A wait queue is about to release the mutex inside a condition wait.
    func prepareToSleep() { ownerThread.store(0, ordering: .relaxed) }
    /// The condition wait returned with the mutex held again.
    func didWake() { ownerThread.store(currentThreadID(), ordering: .relaxed) }

    public func withLock<R, E: Error>(site: CallSite, _ body: () throws(E) -> R) throws(E) -> R {
        lock(site: site)
        defer { unlock(site: site) }
        return try body()
    }
}

// The caller's own line by default: a `CallSite()` default argument would record this file.
extension ModelLock {
    public func lock(fileID: StaticString = #fileID, line: UInt = #line) { lock(site: CallSite(fileID: fileID, line: line)) }
    public func tryLock(fileID: StaticString = #fileID, line: UInt = #line) -> Bool {
        tryLock(site: CallSite(fileID: fileID, line: line))
    }
    public func unlock(fileID: StaticString = #fileID, line: UInt = #line) { unlock(site: CallSite(fileID: fileID, line: line)) }
    public func withLock<R, E: Error>(fileID: StaticString = #fileID, line: UInt = #line,
                                      _ body: () throws(E) -> R) throws(E) -> R {
        try withLock(site: CallSite(fileID: fileID, line: line), body)
    }
}

extension EventKind {
    public static let lockAcquire = EventKind("lock.acquire")
    public static let lockRelease = EventKind("lock.release")
}
