import Testing
import Instrumentation
@testable import DriverCore

@Suite struct DeferredProbeTests {
    @Test func deferredDeviceRetriedWhenAnotherProbeSucceeds() throws {
        let t = TestKernel()
        let supplierReady = Box(false)
        let consumer = ClosureDriver(name: "consumer") { _ throws(ProbeError) in
            if !supplierReady.value { throw .deferred("waiting for regulator vdd") }
        }
        let supplier = ClosureDriver(name: "supplier") { _ throws(ProbeError) in supplierReady.value = true }
        try t.kernel.registerDriver(consumer, on: t.bus)
        try t.kernel.registerDriver(supplier, on: t.bus)
        let c = t.device("consumer")
        try t.kernel.register(c)
        #expect(c.state == .added)
        #expect(t.kernel.deferredProbes.map(\.device) == ["consumer"])
        #expect(t.kernel.devicesDeferredText == "consumer\twaiting for regulator vdd\n")
        try t.kernel.register(t.device("supplier"))
        #expect(c.state == .bound)
        #expect(t.kernel.deferredProbes.isEmpty)
    }

    @Test func chainOfDeferralsResolvesInOneTrigger() throws {
        let t = TestKernel()
        let bound = Box<Set<String>>([])
        func driver(_ name: String, needs: String?) -> ClosureDriver {
            ClosureDriver(name: name) { _ throws(ProbeError) in
                if let needs, !bound.value.contains(needs) { throw .deferred("needs \(needs)") }
                bound.value.insert(name)
            }
        }
        for (n, dep) in [("c", "b"), ("b", "a"), ("a", nil)] as [(String, String?)] {
            try t.kernel.registerDriver(driver(n, needs: dep), on: t.bus)
        }
        try t.kernel.register(t.device("c"))
        try t.kernel.register(t.device("b"))
        #expect(t.kernel.deferredProbes.count == 2)
        try t.kernel.register(t.device("a"))
        #expect(bound.value == ["a", "b", "c"])
        #expect(t.kernel.deferredProbes.isEmpty)
    }

    @Test func deletedDeviceLeavesTheDeferredList() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(ClosureDriver(name: "d") { _ throws(ProbeError) in throw .deferred("never") }, on: t.bus)
        let d = t.device("d")
        try t.kernel.register(d)
        try t.kernel.unregister(d)
        #expect(t.kernel.deferredProbes.isEmpty)
    }
}

@Suite struct DeviceLinkTests {
    func pair(_ t: TestKernel, flags: DeviceLinkFlags) throws -> (Device, Device, DeviceLink) {
        try t.kernel.registerDriver(ClosureDriver(name: "sup", probe: { _ throws(ProbeError) in t.note("probe sup") },
                                                  remove: { _ in t.note("remove sup") }), on: t.bus)
        try t.kernel.registerDriver(ClosureDriver(name: "con", probe: { _ throws(ProbeError) in t.note("probe con") },
                                                  remove: { _ in t.note("remove con") }), on: t.bus)
        let sup = Device(kernel: t.kernel, name: "sup", bus: t.bus) { _ in }
        let con = Device(kernel: t.kernel, name: "con", bus: t.bus) { _ in }
        let link = try t.kernel.addLink(supplier: sup, consumer: con, flags: flags)
        return (sup, con, link)
    }

    @Test func consumerDoesNotProbeBeforeSupplier() throws {
        let t = TestKernel()
        let (sup, con, link) = try pair(t, flags: [])
        try t.kernel.register(con)
        #expect(con.state == .added)
        #expect(t.kernel.deferredProbes.first?.reason == "wait for supplier sup")
        #expect(link.state == .dormant)
        try t.kernel.register(sup)
        #expect(t.entries == ["probe sup", "probe con"])
        #expect(link.state == .active)
    }

    @Test func unbindingSupplierUnbindsConsumerFirst() throws {
        let t = TestKernel()
        let (sup, con, link) = try pair(t, flags: [])
        try t.kernel.register(sup)
        try t.kernel.register(con)
        try t.kernel.unbind(sup)
        #expect(t.entries.suffix(2) == ["remove con", "remove sup"])
        #expect(con.state == .unbound)
        #expect(link.state == .dormant)
    }

    @Test func statelessLinkImposesNothing() throws {
        let t = TestKernel()
        let (sup, con, link) = try pair(t, flags: [.stateless])
        try t.kernel.register(con)
        #expect(con.state == .bound)
        try t.kernel.register(sup)
        try t.kernel.unbind(sup)
        #expect(con.state == .bound)
        #expect(link.state == .none)
    }

    @Test func autoremoveConsumerDropsLinkWhenConsumerUnbinds() throws {
        let t = TestKernel()
        let (sup, con, _) = try pair(t, flags: [.autoremoveConsumer])
        try t.kernel.register(sup)
        try t.kernel.register(con)
        #expect(t.kernel.links.count == 1)
        try t.kernel.unbind(con)
        #expect(t.kernel.links.isEmpty)
    }

    @Test func autoprobeConsumerProbesWhenSupplierBinds() throws {
        let t = TestKernel()
        let (sup, con, _) = try pair(t, flags: [.autoprobeConsumer])
        try t.kernel.register(sup)
        try t.kernel.unbind(sup)
        try t.kernel.register(con)
        #expect(con.state == .added)
        try t.kernel.bind(sup, to: "sup")
        #expect(con.state == .bound)
    }

    @Test func cyclesAndSelfLinksAreRefused() throws {
        let t = TestKernel()
        let a = t.device("a"), b = t.device("b"), c = t.device("c")
        try t.kernel.addLink(supplier: a, consumer: b)
        try t.kernel.addLink(supplier: b, consumer: c)
        #expect(throws: DriverCoreError.linkCycle(supplier: "c", consumer: "a", site: CallSite())) {
            try t.kernel.addLink(supplier: c, consumer: a)
        }
        #expect(throws: DriverCoreError.self) { try t.kernel.addLink(supplier: a, consumer: a) }
        #expect(t.kernel.links.count == 2)
    }

    @Test func deletingADevicePurgesItsLinks() throws {
        let t = TestKernel()
        let (sup, con, _) = try pair(t, flags: [])
        try t.kernel.register(sup)
        try t.kernel.register(con)
        try t.kernel.unregister(con)
        #expect(t.kernel.links.isEmpty)
        #expect(sup.state == .bound)
    }
}
