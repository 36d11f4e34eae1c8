#if canImport(Glibc)
import Glibc
#endif

/// A plain mutual-exclusion lock for the model's own bookkeeping (lists, tables, counters).
///
/// It is *not* a scheduling point and raises no events: use ``ModelLock`` for locks whose
/// ordering the tools must see (device lock, subsystem locks, file locks). Built on
/// `pthread_mutex_t` rather than `Synchronization.Mutex` because the thread sanitizer does
/// not see `Mutex`'s contended path and reports false races (swift-notes §2).
/// Cost: ~8 ns uncontended lock+unlock. Never hold it across a callback.
// Sendable: the pthread mutex is the synchronisation; the pointer to it never changes.
public final class InternalLock: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    @inlinable public func lock() { pthread_mutex_lock(mutex) }
    @inlinable public func unlock() { pthread_mutex_unlock(mutex) }

    @inlinable
    public func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// A value guarded by an ``InternalLock``; the only way to reach it is `withLock`.
///
/// The value lives behind a pointer rather than in a stored `var`: the lock already
/// guarantees exclusive access, and a class `var` would add Swift's dynamic exclusivity
/// check (a thread-local access-set insert and remove, ~15 ns) to every access.
public final class Locked<Value> {
    @usableFromInline let lock = InternalLock()
    @usableFromInline let storage: UnsafeMutablePointer<Value>

    public init(_ value: Value) {
        storage = .allocate(capacity: 1)
        storage.initialize(to: value)
    }

    deinit {
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    @inlinable
    public func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&storage.pointee)
    }
}

// Sendable: every access to `storage` goes through `withLock`, which holds `lock`, so the
// value is never touched by two threads at once; and since the value may leave through
// `withLock`'s result, it must itself be Sendable for the container to be.
extension Locked: @unchecked Sendable where Value: Sendable {}
