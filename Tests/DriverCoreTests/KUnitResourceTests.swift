import Testing
import Instrumentation
@testable import DriverCore

/// Ports of lib/kunit/kunit-test.c suite `kunit_resource`, against devres,
/// which has the same contract.
@Suite("kunit_resource") struct KUnitResourceTests {
    final class Res: @unchecked Sendable { let v: Int; init(_ v: Int) { self.v = v } }

    func device() throws -> (TestKernel, Device) {
        let t = TestKernel()
        let d = t.device("res.0", bus: nil)
        try t.kernel.register(d)
        return (t, d)
    }

    @Test func initResources() throws {
        let (_, d) = try device()
        #expect(d.devres.isEmpty)
    }

    @Test func alloc() throws {
        let (_, d) = try device()
        let m = try d.devres.alloc(42)
        #expect(try m.get() == 42)
        #expect(d.devres.count == 1)
    }

    @Test func destroyResource() throws {
        let (t, d) = try device()
        let freed = Box(0)
        try d.devres.add(Res(1), release: "res") { _ in freed.value += 1 }
        try d.devres.destroy(Res.self, release: "res")
        #expect(freed.value == 0)  // destroy frees without calling release
        #expect(d.devres.isEmpty)
        #expect(throws: DriverCoreError.self) { try d.devres.destroy(Res.self, release: "res") }
        _ = t
    }

    @Test func removeResource() throws {
        let (_, d) = try device()
        let r = Res(7)
        let released = Box(0)
        try d.devres.add(r, release: "res") { _ in released.value += 1 }
        let removed = try d.devres.remove(Res.self, release: "res")
        #expect(removed === r)
        #expect(d.devres.find(Res.self, release: "res") == nil)
        #expect(try d.devres.remove(Res.self, release: "res") == nil)  // removing twice is harmless
        #expect(released.value == 0)
    }

    @Test func cleanupResources() throws {
        let (t, d) = try device()
        let released = Box(0)
        for i in 0..<5 { try d.devres.add(Res(i), release: "res") { _ in released.value += 1 } }
        try t.kernel.unregister(d)
        #expect(released.value == 5)
    }

    @Test func properFreeOrdering() throws {
        let (t, d) = try device()
        try d.devres.add(Res(1), release: "first") { _ in t.note("first") }
        try d.devres.add(Res(2), release: "second") { _ in t.note("second") }
        try t.kernel.unregister(d)
        #expect(t.entries == ["second", "first"])
    }

    @Test func staticResourceIsNotFreedByTheFramework() throws {
        let (t, d) = try device()
        let caller = Res(3)  // caller-owned
        try d.devres.add(caller, release: "static") { _ in }
        try t.kernel.unregister(d)
        #expect(caller.v == 3)
    }

    @Test func namedResourcesAreSingleInstance() throws {
        let (_, d) = try device()
        let a = Res(1)
        let got = try d.devres.get(a, release: "named") { _ in }
        #expect(got === a)
        let b = Res(2)
        let again = try d.devres.get(b, release: "named") { _ in }
        #expect(again === a)
        #expect(d.devres.count == 1)
    }

    @Test func actionRunsAtCleanupAndCanBeRemovedOrReleased() throws {
        let (t, d) = try device()
        let count = Box(0)
        try d.devres.addAction(ActionKey("cancelled")) { count.value += 100 }
        try d.devres.removeAction(ActionKey("cancelled"))
        try d.devres.addAction(ActionKey("early")) { count.value += 10 }
        try d.devres.releaseAction(ActionKey("early"))
        #expect(count.value == 10)
        #expect(!d.devres.isActionAdded(ActionKey("early")))
        try d.devres.addAction(ActionKey("a")) { t.note("a") }
        try d.devres.addAction(ActionKey("b")) { t.note("b") }
        try t.kernel.unregister(d)
        #expect(count.value == 10)
        #expect(t.entries == ["b", "a"])
    }
}

/// lib/kunit/kunit-test.c suite `kunit_device` and lib/kunit/platform-test.c.
@Suite("kunit_device") struct KUnitDeviceTests {
    @Test func driverProbedOnRegisterRemovedOnUnregisterAndReusable() throws {
        let t = TestKernel()
        let driver = ClosureDriver(name: "kd", probe: { _ throws(ProbeError) in t.note("probe") },
                                   remove: { _ in t.note("remove") })
        try t.kernel.registerDriver(driver, on: t.bus)
        let d1 = t.device("kd")
        try t.kernel.register(d1)
        try t.kernel.unregister(d1)
        let d2 = t.device("kd")
        try t.kernel.register(d2)
        #expect(t.entries == ["probe", "remove", "probe"])
        #expect(d2.state == .bound)
    }

    @Test func secondDeviceWithSameNameFailsAndCleansUp() throws {
        let t = TestKernel()
        let a = t.device("pd.0")
        try t.kernel.register(a)
        let b = t.device("pd.0")
        #expect(throws: DriverCoreError.alreadyRegistered(kind: "device", name: "pd.0", site: CallSite())) {
            try t.kernel.register(b)
        }
        try b.put()
        #expect(t.releasedNames == ["pd.0"])
        #expect(t.kernel.device(named: "pd.0") === a)
    }

    @Test func unregisterWithoutExtraPutDoesNotUnderflow() throws {
        let t = TestKernel()
        let a = t.device("pd.0")
        try t.kernel.register(a)
        try t.kernel.unregister(a)
        #expect(a.referenceCount == 0)
        #expect(t.recorder.events(.refMisuse).isEmpty)
    }
}
