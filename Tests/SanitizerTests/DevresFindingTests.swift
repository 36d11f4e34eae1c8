import DriverCore
import Instrumentation
import Sanitizer
import Testing

@Suite("devres: wrong device, release order, left on a deleted device")
struct DevresFindingTests {
    @Test("devres added to another device during probe is devres-wrong-device")
    func wrongDevice() throws {
        let f = try SanitizerFixture()
        let other = f.device("other.0", compatible: "test,none")
        try f.kernel.register(other)
        let added = Locked(0)
        try f.kernel.registerDriver(ClosureDriver(name: "drv", idTable: ["test,dev"]) { (_: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                added.withLock { $0 = #line + 1 }
                _ = try other.devres.alloc(0, name: "devm_kzalloc")
            }
        }, on: f.bus)
        let dev = f.device("probed.0")
        try f.kernel.register(dev)
        let found = f.findings(.devresWrongDevice)
        try #require(found.count == 1)
        #expect(found[0].object == other.id)
        #expect(isSite(found[0].access.site, line: added.withLock { $0 }))
        #expect(found[0].message.contains("probed.0"))
    }

    @Test("a correct unbind releases newest first: no order finding")
    func correctOrder() throws {
        let f = try SanitizerFixture()
        try f.kernel.registerDriver(ClosureDriver(name: "drv", idTable: ["test,dev"]) { (d: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                _ = try d.devres.alloc(1, name: "first")
                try d.devres.openGroup()
                _ = try d.devres.alloc(2, name: "second")
                try d.devres.closeGroup()
                try d.devres.addAction(ActionKey("third")) {}
            }
        }, on: f.bus)
        let dev = f.device("order.0")
        try f.kernel.register(dev)
        try f.kernel.unregister(dev)
        #expect(f.sanitizer.finish().isEmpty, "\(f.sanitizer.report())")
    }

    @Test("a broken unbind releasing oldest first is devres-release-order")
    func brokenOrder() throws {
        let f = try SanitizerFixture()
        let dev = f.device("broken.0")
        var devres = BrokenDevres(kernel: f.kernel, device: dev)
        let olderLine = #line + 1
        devres.add("clk")
        let newerLine = #line + 1
        devres.add("irq")
        devres.unbindOldestFirst()
        let found = f.findings(.devresReleaseOrder)
        try #require(found.count == 1, "only the first release is out of order; the second is then the only one left")
        #expect(isSite(found[0].access.site, line: olderLine))
        #expect(found[0].message.contains("'irq'"))
        #expect(found[0].message.contains("SanitizerTests/DevresFindingTests.swift:\(newerLine)"))
    }

    @Test("devres registered on a device after it was deleted is reported at the end")
    func leftOnDeletedDevice() throws {
        let f = try SanitizerFixture()
        let dev = f.device("gone.0", compatible: "test,none")
        try f.kernel.register(dev)
        try dev.get()  // someone (an open file) still holds it
        try f.kernel.delete(dev)
        let added = #line + 1
        _ = try dev.devres.alloc(7, name: "late")
        let found = f.findings(.devresLeftOnDeletedDevice)
        try #require(found.count == 1)
        #expect(found[0].object == dev.id)
        #expect(found[0].acquired.contains { isSite($0.site, line: added) })
        // The final puts release it: the devres goes with it and nothing is left.
        try dev.put(); try dev.put()
        #expect(f.sanitizer.finish().isEmpty, "\(f.sanitizer.report())")
    }
}
