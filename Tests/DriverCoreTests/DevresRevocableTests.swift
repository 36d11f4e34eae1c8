import Testing
import Foundation
import Instrumentation
import Revocable
@testable import DriverCore

/// The Rust `Devres<T>` idea: a revocable created in probe, revoked at unbind at its place in
/// the devres order; a bound-device proof gives direct access.
@Suite struct DevresRevocableTests {
    final class Regs: @unchecked Sendable { var value = 42 }

    /// A driver that keeps its registers in a DevresRevocable and hands it out (as a subsystem
    /// would to a file operation).
    func setUp(_ t: TestKernel, torn: Box<Int>) throws -> (Device, Box<DevresRevocable<Regs>?>) {
        let handle = Box<DevresRevocable<Regs>?>(nil)
        try t.kernel.registerDriver(ClosureDriver(name: "regs", probe: { (dev: borrowing BoundDevice) throws(ProbeError) in
            let r = try ProbeError.mapping {
                try DevresRevocable(Regs(), name: "regs", on: dev) { _ in torn.value += 1; t.note("teardown") }
            }
            #expect((try? r.access(dev).value) == 42)
            handle.value = r
            try ProbeError.mapping { try dev.devres.addAction(ActionKey("after")) { t.note("release after") } }
        }, remove: { (dev: borrowing BoundDevice) in
            // remove() still has the resource: the revoke comes after it, in devres order.
            t.note("remove sees \((try? handle.value!.access(dev).value) ?? -1)")
        }), on: t.bus)
        let d = t.device("regs")
        try t.kernel.register(d)
        return (d, handle)
    }

    @Test func revokedAtUnbindInDevresOrderTornDownOnce() throws {
        let t = TestKernel()
        let torn = Box(0)
        let (d, handle) = try setUp(t, torn: torn)
        let r = try #require(handle.value)
        #expect(r.withAccess { $0?.value } == 42)
        try t.kernel.unbind(d)
        #expect(t.entries == ["remove sees 42", "release after", "teardown"])
        #expect(r.isRevoked)
        #expect(r.withAccess { $0?.value } == nil)
        #expect(throws: RevocableError.revoked) { try r.withAccessOrENODEV { $0.value } }
        try t.kernel.unregister(d)
        #expect(torn.value == 1)
    }

    @Test func staleOrForeignProofIsRefused() throws {
        let t = TestKernel()
        let torn = Box(0)
        let (d, handle) = try setUp(t, torn: torn)
        let r = try #require(handle.value)
        let stale = BoundDevice(device: d, epoch: 0)
        #expect(throws: DriverCoreError.self) { try r.access(stale) }
        let other = t.device("other")
        let foreign = BoundDevice(device: other, epoch: 1)
        #expect(throws: DriverCoreError.self) { try r.access(foreign) }
    }

    @Test func unbindWaitsForAReaderInsideAndOnlyForIt() throws {
        let t = TestKernel()
        let torn = Box(0)
        let (d, handle) = try setUp(t, torn: torn)
        let r = try #require(handle.value)
        let inside = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let reader = Thread {
            r.withAccess { regs in
                inside.signal()
                release.wait()
                regs?.value = 7  // still valid: unbind is waiting for us
            }
        }
        reader.start()
        inside.wait()
        let unbound = Box(false)
        let unbinderDone = DispatchSemaphore(value: 0)
        let unbinder = Thread { try? t.kernel.unbind(d); unbound.value = true; unbinderDone.signal() }
        unbinder.start()
        // Once the revoke has begun it can only finish after the reader leaves, which it does
        // not before `release`: from here "not unbound yet" holds whatever the timing.
        while !r.isRevoked { sched_yield() }  // waits on the fence's own state
        #expect(!unbound.value)  // held by the reader inside
        #expect(torn.value == 0)
        release.signal()
        // A hang guard only.
        #expect(unbinderDone.wait(timeout: .now() + 60) == .success)
        #expect(unbound.value)
        #expect(torn.value == 1)
    }

    @Test func failedRegistrationTearsDownAtOnce() throws {
        let t = TestKernel()
        let torn = Box(0)
        try t.kernel.registerDriver(ClosureDriver(name: "regs") { (dev: borrowing BoundDevice) throws(ProbeError) in
            _ = try ProbeError.mapping { try DevresRevocable(Regs(), name: "regs", on: dev) { _ in torn.value += 1 } }
        }, on: t.bus)
        t.kernel.faults.arm(failAt: 1, kinds: [.devresAction])
        try t.kernel.register(t.device("regs"))
        t.kernel.faults.disarm()
        #expect(torn.value == 1)
    }
}
