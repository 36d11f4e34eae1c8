import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A resource that knows whether it has been torn down, and how often.
final class Probe: Sendable {
    let value: Int
    let alive = Atomic<Bool>(true)
    let teardowns = Atomic<Int>(0)

    init(_ value: Int = 42) { self.value = value }

    func tearDown() {
        alive.store(false, ordering: .sequentiallyConsistent)
        teardowns.add(1, ordering: .sequentiallyConsistent)
    }
}

/// A joinable pthread (Swift Testing's tasks share a small pool; blocking tests need real threads).
final class TestThread: @unchecked Sendable {
    private var thread = pthread_t()

    init(_ body: @escaping @Sendable () -> Void) {
        final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(&thread, nil, { context in
            Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed")   // test scaffolding only
    }

    func join() { pthread_join(thread, nil) }
}

/// Generous bound for "this must happen": long enough that a loaded 2-core machine never hits
/// it, so a timeout means a hang, not slowness.
func deadline(seconds: Double = 20) -> DispatchTime { .now() + seconds }

/// How long we watch for "this must not happen yet". Only ever used to check that something
/// is still blocked, which a slow machine cannot make fail.
let stillBlockedWindow: Double = 0.05

extension DispatchSemaphore {
    /// True if signalled before the generous deadline.
    func waitOrTimeout(seconds: Double = 20) -> Bool { wait(timeout: deadline(seconds: seconds)) == .success }
    /// True if NOT signalled within the short observation window.
    func staysUnsignalled(seconds: Double = stillBlockedWindow) -> Bool {
        wait(timeout: .now() + seconds) == .timedOut
    }
}
