import CShim
import Instrumentation
#if canImport(Glibc)
import Glibc
#endif

/// The real threads that run actors, reused from one execution to the next, and the batons
/// (futex words) by which the serializer hands control between them.
///
/// Why a pool: creating and joining three threads per execution cost about a quarter of an
/// execution of the canonical scenario. Why pinned: the explorer runs one thread at a time, so
/// keeping all of them (and the coordinator) on one CPU turns every hand-off into a same-CPU
/// switch instead of a cross-CPU wake-up; parallel workers use one CPU each.
///
/// A worker thread waits on its baton for a job, runs it and waits again. A job that ends with
/// `pthread_exit` (an execution ended early while the thread was parked in the model) kills its
/// worker: ``replaceExited(_:)`` starts a new one. A worker stuck outside the model (found by the
/// serializer's watchdog) makes the whole pool unusable: the explorer then abandons it and
/// builds a new one (the stuck thread keeps the old pool alive and never touches the new one).
// Sendable: `jobs`, `threads` and `shuttingDown` are guarded by `lock`; the batons are futex words, each written by one side at a time.
final class ActorPool: @unchecked Sendable {
    let size: Int
    /// Baton `i` wakes worker `i`; baton `size` wakes the coordinator.
    let batons: UnsafeMutablePointer<UInt32>
    private let cpu: Int?
    private let lock = InternalLock()
    private var jobs: [(() -> Void)?]
    private var threads: [pthread_t?]
    private var shuttingDown = false

    /// `size` workers, all pinned to `cpu` when given (and the caller pins itself there too).
    init(size: Int, cpu: Int?) {
        self.size = size
        self.cpu = cpu
        batons = .allocate(capacity: size + 1)
        batons.initialize(repeating: 0, count: size + 1)
        jobs = Array(repeating: nil, count: size)
        threads = Array(repeating: nil, count: size)
        for i in 0..<size { threads[i] = spawnWorker(i) }
    }

    deinit {
        batons.deinitialize(count: size + 1)
        batons.deallocate()
    }

    /// The coordinator's baton.
    var coordinator: UnsafeMutablePointer<UInt32> { batons + size }

    /// Gives worker `i` its next job; the caller posts its baton (after releasing its own locks,
    /// so the worker does not wake only to block on them).
    func assign(_ i: Int, job: @escaping () -> Void) {
        lock.withLock { jobs[i] = job }
    }

    /// Starts new workers in place of those whose job ended with `pthread_exit`.
    func replaceExited(_ indices: [Int]) {
        for i in indices {
            if let t = lock.withLock({ threads[i] }) { pthread_join(t, nil) }
            let t = spawnWorker(i)
            lock.withLock { threads[i] = t }
        }
    }

    /// Ends every worker (waiting for them) when none is stuck; otherwise detaches them all.
    func shutDown(joining: Bool) {
        lock.withLock { shuttingDown = true }
        for i in 0..<size { dm_baton_post(batons + i) }
        for t in lock.withLock({ threads }) {
            guard let t else { continue }
            if joining { pthread_join(t, nil) } else { pthread_detach(t) }
        }
    }

    private func spawnWorker(_ i: Int) -> pthread_t {
        PinnedThread.start(cpu: cpu) { [self] in workerLoop(i) }
    }

    private func workerLoop(_ i: Int) {
        while true {
            _ = dm_baton_wait(batons + i, -1)
            // Stale posts (an ended execution wakes everyone) find no job and wait again.
            let (job, stop) = lock.withLock { () -> ((() -> Void)?, Bool) in
                defer { jobs[i] = nil }
                return (jobs[i], shuttingDown)
            }
            if stop { return }
            job?()
        }
    }
}
