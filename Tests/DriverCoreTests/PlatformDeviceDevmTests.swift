import Testing
import Instrumentation
@testable import DriverCore

/// Ports of drivers/base/test/platform-device-test.c (suite `platform-device-devm`) and
/// root-device-test.c (drivers/base/test/): devres on unprobed and probed devices is flushed at
/// unregister, not only at the final put (`699fb50d9903`).
@Suite("platform-device-devm") struct PlatformDeviceDevmTests {
    @Test("devm action on an unprobed device runs at unregister")
    func unprobedDeviceActionRunsAtUnregister() throws {
        let t = TestKernel()
        let dev = t.device("test.0")
        try t.kernel.register(dev)
        let ran = Box(false)
        try dev.devres.addAction(ActionKey("action")) { ran.value = true }
        try t.kernel.unregister(dev)
        #expect(ran.value)
        #expect(t.releasedNames == ["test.0"])
    }

    @Test("extra reference dropped by the devm action: action runs at unregister, final put frees")
    func unprobedDeviceActionDropsExtraReference() throws {
        let t = TestKernel()
        let dev = t.device("test.0")
        try t.kernel.register(dev)
        try dev.get()
        try dev.devres.addAction(ActionKey("put_device", data: dev)) { try? dev.put() }
        try t.kernel.unregister(dev)
        // Without the device_del flush the action would wait for a final put that it itself
        // must perform: the device would leak. It must be released now.
        #expect(t.releasedNames == ["test.0"])
        #expect(dev.state == .released)
    }

    @Test("devm action on a probed device runs at unregister")
    func probedDeviceActionRunsAtUnregister() throws {
        let t = TestKernel()
        let ran = Box(false)
        let driver = ClosureDriver(name: "test") { (dev: borrowing BoundDevice) throws(ProbeError) in
            do { try dev.devres.addAction(ActionKey("action")) { ran.value = true } } catch { throw .failed(.ENOMEM, "\(error)") }
        }
        try t.kernel.registerDriver(driver, on: t.bus)
        let dev = t.device("test")
        try t.kernel.register(dev)
        #expect(dev.state == .bound)
        #expect(!ran.value)
        try t.kernel.unregister(dev)
        #expect(ran.value)
        #expect(t.releasedNames == ["test"])
    }

    @Test("probed device, extra reference dropped by the devm action: no leak")
    func probedDeviceActionDropsExtraReference() throws {
        let t = TestKernel()
        let driver = ClosureDriver(name: "test") { (dev: borrowing BoundDevice) throws(ProbeError) in
            let d = dev.device
            do {
                try d.get()
                try dev.devres.addAction(ActionKey("put_device", data: d)) { try? d.put() }
            } catch { throw .failed(.ENOMEM, "\(error)") }
        }
        try t.kernel.registerDriver(driver, on: t.bus)
        let dev = t.device("test")
        try t.kernel.register(dev)
        try t.kernel.unregister(dev)
        #expect(t.releasedNames == ["test"])
    }
}

/// drivers/base/test/root-device-test.c
@Suite("root-device-devm") struct RootDeviceDevmTests {
    @Test("root device: devm action runs at unregister")
    func rootDeviceAction() throws {
        let t = TestKernel()
        let root = Device(kernel: t.kernel, name: "root-test") { _ in }
        try t.kernel.register(root)
        let ran = Box(0)
        try root.devres.addAction(ActionKey("a")) { ran.value += 1 }
        try t.kernel.unregister(root)
        #expect(ran.value == 1)
    }

    @Test("get + unregister: the action runs at unregister, not at the final put")
    func getThenUnregister() throws {
        let t = TestKernel()
        let root = t.device("root-test", bus: nil)
        try t.kernel.register(root)
        try root.get()
        let ran = Box(0)
        try root.devres.addAction(ActionKey("a")) { ran.value += 1 }
        try t.kernel.unregister(root)
        #expect(ran.value == 1)
        #expect(t.releasedNames.isEmpty)
        try root.put()
        #expect(ran.value == 1)
        #expect(t.releasedNames == ["root-test"])
    }
}
