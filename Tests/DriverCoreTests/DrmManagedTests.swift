import Testing
import Instrumentation
@testable import DriverCore

/// Ports of drivers/gpu/drm/tests/drm_managed_test.c and drm_bridge_test.c:
/// object-lifetime resources run at the final put, never at unbind/unregister.
@Suite("drm_managed") struct DrmManagedTests {
    @Test("drm_test_managed_release_action: release_action runs now and not again")
    func releaseAction() throws {
        let t = TestKernel()
        let d = t.device("drm", bus: nil)
        try t.kernel.register(d)
        let count = Box(0)
        try d.objectResources.addAction(ActionKey("act")) { count.value += 1 }
        try d.objectResources.releaseAction(ActionKey("act"))
        #expect(count.value == 1)
        try t.kernel.unregister(d)
        #expect(count.value == 1)
    }

    @Test("drm_test_managed_run_action: runs only at the last put, not at unregister")
    func runAction() throws {
        let t = TestKernel()
        let d = t.device("drm", bus: nil)
        try t.kernel.register(d)
        try d.get()
        let count = Box(0)
        try d.objectResources.addAction(ActionKey("act")) { count.value += 1 }
        try t.kernel.unregister(d)
        #expect(count.value == 0)
        try d.put()
        #expect(count.value == 1)
    }

    @Test("drmm actions run newest first, before the release callback")
    func orderAtFinalPut() throws {
        let t = TestKernel()
        let d = Device(kernel: t.kernel, name: "drm") { _ in t.note("release") }
        try t.kernel.register(d)
        try d.objectResources.addAction(ActionKey("a")) { t.note("a") }
        let mem = try d.objectResources.alloc("container")
        try d.objectResources.addAction(ActionKey("b")) { t.note("b") }
        try t.kernel.unregister(d)
        #expect(t.entries == ["b", "a", "release"])
        #expect(!mem.isLive)
    }

    @Test("drm_bridge_alloc_basic: devm on the parent drops the only reference → destroyed at unregister")
    func bridgeAllocBasic() throws {
        let t = TestKernel()
        let parent = t.device("bridge-parent")
        try t.kernel.register(parent)
        let bridge = t.device("bridge", bus: nil)
        try parent.devres.addAction(ActionKey("drm_bridge_put", data: bridge)) { try? bridge.put() }
        try t.kernel.unregister(parent)
        #expect(t.releasedNames.contains("bridge"))
    }

    @Test("drm_bridge_alloc_get_put: an extra reference keeps it alive past unregister")
    func bridgeAllocGetPut() throws {
        let t = TestKernel()
        let parent = t.device("bridge-parent")
        try t.kernel.register(parent)
        let bridge = t.device("bridge", bus: nil)
        try parent.devres.addAction(ActionKey("drm_bridge_put", data: bridge)) { try? bridge.put() }
        try bridge.get()
        try t.kernel.unregister(parent)
        #expect(!t.releasedNames.contains("bridge"))
        try bridge.put()
        #expect(t.releasedNames.contains("bridge"))
    }

    @Test("drmm_kfree frees early; unknown memory is an error")
    func kfree() throws {
        let t = TestKernel()
        let d = t.device("drm", bus: nil)
        let m = try d.objectResources.alloc(1)
        try d.objectResources.free(m)
        #expect(!m.isLive)
        #expect(throws: DriverCoreError.self) { try d.objectResources.free(m) }
        try d.put()
    }

    @Test("drmm_add_action_or_reset runs the action when registration fails")
    func orReset() throws {
        let t = TestKernel()
        let d = t.device("drm", bus: nil)
        let ran = Box(0)
        t.kernel.faults.arm(failAt: 1, kinds: [.objectAction])
        #expect(throws: DriverCoreError.self) { try d.objectResources.addActionOrReset(ActionKey("x")) { ran.value += 1 } }
        t.kernel.faults.disarm()
        #expect(ran.value == 1)
        #expect(d.objectResources.count == 0)
        try d.put()
        #expect(ran.value == 1)
    }
}
