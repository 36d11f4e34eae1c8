import Testing
import Instrumentation
@testable import DriverCore

/// drivers/base/test/platform-device-test.c, suites `platform-device-match` and
/// `platform-device-swnode` (drivers/base/test/platform-device-test.c).
@Suite("platform-device-match") struct PlatformDeviceMatchTests {
    @Test("find by a nil firmware node finds nothing instead of crashing")
    func findByNull() throws {
        let t = TestKernel()
        let node = FirmwareNode(name: "of:led", kind: .firmware)
        let d = Device(kernel: t.kernel, name: "led.0", bus: t.bus, firmware: FirmwareDescription(fwnode: node)) { _ in }
        try t.kernel.register(d)
        #expect(t.kernel.findDevice(on: t.bus, fwnode: nil) == nil)
        #expect(t.kernel.findDevice(on: t.bus, fwnode: node) === d)
        #expect(t.kernel.findDevice(on: t.bus, fwnode: FirmwareNode(name: "other")) == nil)
    }
}

@Suite("platform-device-swnode") struct PlatformDeviceSwnodeTests {
    @Test("the same software node across two device lifetimes: the first release unregistered it")
    func sameSwnodeTwice() throws {
        let t = TestKernel()
        let node = FirmwareNode(name: "swnode", properties: ["label": "x"])
        let first = Device(kernel: t.kernel, name: "sw.0", bus: t.bus, firmware: FirmwareDescription(swnode: node)) { _ in }
        try t.kernel.register(first)
        #expect(t.kernel.isRegistered(node))
        #expect(try first.property("label") == "x")
        // While the first device lives, the node is taken.
        let clash = Device(kernel: t.kernel, name: "sw.1", bus: t.bus, firmware: FirmwareDescription(swnode: node)) { _ in }
        #expect(throws: DriverCoreError.self) { try t.kernel.register(clash) }
        try clash.put()
        try t.kernel.unregister(first)
        #expect(!t.kernel.isRegistered(node))
        let second = Device(kernel: t.kernel, name: "sw.0", bus: t.bus, firmware: FirmwareDescription(swnode: node)) { _ in }
        try t.kernel.register(second)
        #expect(t.kernel.isRegistered(node))
    }

    @Test("a software node used as the primary fwnode is not unregistered by the device's release")
    func primarySwnodeIsNotOwned() throws {
        let t = TestKernel()
        let node = FirmwareNode(name: "primary")
        try t.kernel.registerSoftwareNode(node)
        let d = Device(kernel: t.kernel, name: "p.0", bus: t.bus, firmware: FirmwareDescription(fwnode: node)) { _ in }
        try t.kernel.register(d)
        try t.kernel.unregister(d)
        #expect(d.state == .released)
        #expect(t.kernel.isRegistered(node))
    }

    @Test("properties become a core-owned software node, gone at release")
    func propertiesNode() throws {
        let t = TestKernel()
        let d = Device(kernel: t.kernel, name: "p.0", bus: t.bus, firmware: FirmwareDescription(properties: ["gpios": "3"])) { _ in }
        try t.kernel.register(d)
        #expect(try d.property("gpios") == "3")
        try t.kernel.unregister(d)
        #expect(throws: DriverCoreError.self) { try d.property("gpios") }
    }

    @Test("conflicting descriptions are EINVAL", arguments: [
        FirmwareDescription(fwnode: FirmwareNode(name: "a"), swnode: FirmwareNode(name: "b")),
        FirmwareDescription(swnode: FirmwareNode(name: "b"), properties: ["k": "v"]),
        FirmwareDescription(fwnode: FirmwareNode(name: "a"), properties: ["k": "v"]),
    ])
    func conflicting(_ description: FirmwareDescription) throws {
        let t = TestKernel()
        let d = Device(kernel: t.kernel, name: "c.0", bus: t.bus, firmware: description) { _ in }
        do {
            try t.kernel.register(d)
            Issue.record("conflicting description accepted")
        } catch {
            #expect(error.errno == .EINVAL)
        }
        #expect(t.kernel.device(named: "c.0") == nil)
        try d.put()
    }
}

@Suite struct ShutdownTests {
    @Test func shutdownCallsBoundDriversChildrenFirst() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(ClosureDriver(name: "p", shutdown: { d in t.note("shutdown \(d.name)") }), on: t.bus)
        try t.kernel.registerDriver(ClosureDriver(name: "c", shutdown: { d in t.note("shutdown \(d.name)") }), on: t.bus)
        let parent = Device(kernel: t.kernel, name: "p", bus: t.bus) { _ in }
        try t.kernel.register(parent)
        try t.kernel.register(Device(kernel: t.kernel, name: "c", bus: t.bus, parent: parent) { _ in })
        try t.kernel.register(Device(kernel: t.kernel, name: "unbound", bus: t.bus) { _ in })
        t.kernel.shutdownAll()
        #expect(t.entries == ["shutdown c", "shutdown p"])
    }
}
