import CShim
#if canImport(Glibc)
import Glibc
#endif

/// A revoke whose grace period the grace-period thread drives.
protocol PendingGracePeriod: AnyObject {
    /// Called once, after the batch's barrier: note the readers to wait for.
    func start()
    /// The reader records still being waited for (to sleep on).
    var waitingOn: [OpaquePointer] { get }
    /// Re-checks; completes (teardown, completion) and returns true when the grace period is over.
    func poll() -> Bool
}

/// The thread that finishes deferred and async revokes (the kernel's SRCU callback processing).
///
/// One thread for the process, started on first use. It never waits for one revocable at the
/// expense of another: every pending revoke is re-checked whenever any awaited reader leaves,
/// and each completes as soon as its own readers are gone.
// Sendable: `incoming`, `started` and `sleepingOnReaders` are guarded by `mutex`; `active` belongs to the grace-period thread alone.
final class GracePeriodThread: @unchecked Sendable {
    static let shared = GracePeriodThread()

    // Guarded by `mutex`.
    private var incoming: [any PendingGracePeriod] = []
    private var started = false
    private var sleepingOnReaders = false
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    // Owned by the grace-period thread.
    private var active: [any PendingGracePeriod] = []

    private init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    func enqueue(_ item: any PendingGracePeriod) {
        pthread_mutex_lock(mutex)
        incoming.append(item)
        let needsStart = !started
        started = true
        let wakeSleeper = sleepingOnReaders
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
        if needsStart { startThread() }
        if wakeSleeper { dm_rev_wake_all() }
    }

    private func startThread() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { context in
            Unmanaged<GracePeriodThread>.fromOpaque(context!).takeRetainedValue().run()
        }, context)
        if rc == 0 {
            pthread_detach(thread)
        } else {
            // No thread: drive this batch on the caller instead (it blocks, but stays correct).
            Unmanaged<GracePeriodThread>.fromOpaque(context).release()
            pthread_mutex_lock(mutex)
            started = false
            pthread_mutex_unlock(mutex)
            drainOnCaller()
        }
    }

    private func drainOnCaller() {
        pthread_mutex_lock(mutex)
        let batch = incoming
        incoming = []
        pthread_mutex_unlock(mutex)
        _ = dm_rev_barrier()
        for item in batch { item.start() }
        var pending = batch
        while !pending.isEmpty {
            pending.removeAll { $0.poll() }
            if !pending.isEmpty { sched_yield() }
        }
    }

    private func run() -> Never {
        while true {
            pthread_mutex_lock(mutex)
            while incoming.isEmpty && active.isEmpty { pthread_cond_wait(condition, mutex) }
            let batch = incoming
            incoming = []
            pthread_mutex_unlock(mutex)

            if !batch.isEmpty {
                // One barrier for the whole batch: that is what makes deferred revokes cheap.
                _ = dm_rev_barrier()
                for item in batch { item.start() }
                active += batch
            }
            active.removeAll { $0.poll() }
            if active.isEmpty { continue }
            sleepUntilSomethingMoves()
        }
    }

    private func sleepUntilSomethingMoves() {
        let records = active.flatMap { $0.waitingOn }
        records.withUnsafeBufferPointer { buffer in
            let recs = buffer.baseAddress.map {
                UnsafeRawPointer($0).assumingMemoryBound(to: OpaquePointer?.self)
            }
            let n = Int32(buffer.count)
            let generation = dm_rev_wait_begin(recs, n)
            // Same pairing as the synchronous revoke's sleep (see Revoke.swift).
            _ = dm_rev_barrier()
            active.removeAll { $0.poll() }
            pthread_mutex_lock(mutex)
            let idle = incoming.isEmpty && !active.isEmpty
            sleepingOnReaders = idle
            pthread_mutex_unlock(mutex)
            if idle { dm_rev_wait(generation, 10_000_000) }
            pthread_mutex_lock(mutex)
            sleepingOnReaders = false
            pthread_mutex_unlock(mutex)
            dm_rev_wait_end(recs, n)
        }
    }
}
