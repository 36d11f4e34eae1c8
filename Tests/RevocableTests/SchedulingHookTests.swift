import Dispatch
import Instrumentation
import Synchronization
import Testing
import Revocable
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in for the interleaving explorer: records what it is told, never parks anyone.
final class RecordingController: ExecutionController, @unchecked Sendable {
    let log = Locked<[String]>([])
    func schedulingPoint(_ operation: SchedulingOperation, site: CallSite) {
        log.withLock { $0.append("point \(operation)") }
    }
    func block(on target: WaitTarget, site: CallSite) {
        log.withLock { $0.append("block \(target)") }
        usleep(1_000)
    }
    func notify(_ target: WaitTarget) { log.withLock { $0.append("notify \(target)") } }
}

@Suite("scheduling points for the interleaving explorer")
struct SchedulingHookTests {
    @Test("enter, exit and synchronize are scheduling points; a revoke's wait is a declared wait")
    func hooks() throws {
        let rev = Revocable(Probe(), name: "fence0")
        let controller = RecordingController()
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let reader = TestThread { rev.withAccess { _ in inside.signal(); release.wait() } }
        #expect(inside.waitOrTimeout())
        // Release the reader once the revoke has declared its wait for it (not after a while:
        // a release before the revoke reached its wait would leave nothing to declare).
        let releaser = TestThread {
            while !controller.log.withLock({ $0.contains("block readers of fence fence0") }) { sched_yield() }
            release.signal()
        }
        let outcome = Scheduling.withController(controller) { () -> RevokeOutcome? in
            #expect(rev.withAccess { $0 != nil })
            return try? rev.revoke()
        }
        #expect(outcome == .revoked)
        reader.join(); releaser.join()
        let log = controller.log.withLock { $0 }
        #expect(log.first == "point enter(fence0)")
        #expect(log.contains("point exit(fence0)"))
        #expect(log.contains("notify readers of fence fence0"))
        #expect(log.contains("point synchronize(fence0)"))
        #expect(log.contains("block readers of fence fence0"), "the wait for the reader must be declared")
    }
}
