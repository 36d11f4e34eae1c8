import Testing
import Instrumentation
@testable import DriverCore

/// The sequences of drivers/base/dd.c: probe failure releases devres without calling remove;
/// unbind runs remove, then devres newest-first, then clears the driver; the object survives.
@Suite struct BindUnbindOrderTests {
    func orderingDriver(_ t: TestKernel, failAt: String? = nil) -> ClosureDriver {
        ClosureDriver(name: "ord", probe: { (dev: borrowing BoundDevice) throws(ProbeError) in
            for step in ["clk", "irq", "regmap"] {
                if step == failAt { throw .failed(.EIO, "\(step) failed") }
                do { try dev.devres.addAction(ActionKey(step)) { t.note("release \(step)") } } catch { throw .failed(.ENOMEM, "") }
            }
        }, remove: { (dev: borrowing BoundDevice) in
            t.note("remove (driver=\(dev.device.driverName ?? "nil"), devres=\(dev.device.devres.count))")
        })
    }

    @Test func unbindRunsRemoveThenDevresNewestFirstThenClearsDriver() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(orderingDriver(t), on: t.bus)
        let dev = t.device("ord")
        try t.kernel.register(dev)
        #expect(dev.state == .bound)
        try t.kernel.unbind(dev)
        #expect(t.entries == ["remove (driver=ord, devres=3)", "release regmap", "release irq", "release clk"])
        #expect(dev.driverName == nil)
        #expect(dev.state == .unbound)
        #expect(dev.devres.isEmpty)
        #expect(t.releasedNames.isEmpty)  // object lifetime continues
        // and it can be probed again
        try t.kernel.bind(dev, to: "ord")
        #expect(dev.state == .bound)
    }

    @Test func probeFailureReleasesDevresAndDoesNotCallRemove() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(orderingDriver(t, failAt: "regmap"), on: t.bus)
        let dev = t.device("ord")
        try t.kernel.register(dev)
        #expect(t.entries == ["release irq", "release clk"])
        #expect(dev.state == .added)
        #expect(dev.driverName == nil)
        #expect(t.kernel.warnings.contains { $0.message.contains("failed with error EIO") })
    }

    @Test func eventsFollowTheSequence() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(orderingDriver(t), on: t.bus)
        let dev = t.device("ord")
        try t.kernel.register(dev)
        try t.kernel.unbind(dev)
        let kinds = t.recorder.events.filter { $0.object == dev.id }.map(\.kind.rawValue)
            .filter { !$0.hasPrefix("lock.") && !$0.hasPrefix("ref.") }
        #expect(kinds == ["device.initialize", "device.add", "probe.start", "devres.add", "devres.add", "devres.add",
                          "probe.result", "driver.bind", "driver.remove", "devres.release", "devres.release",
                          "devres.release", "driver.unbind"])
    }

    @Test func resourcesPresentBeforeProbingRefusesProbe() throws {
        let t = TestKernel()
        let dev = t.device("ord")
        try t.kernel.register(dev)
        try dev.devres.addAction(ActionKey("stale")) {}
        try t.kernel.registerDriver(orderingDriver(t), on: t.bus)
        #expect(dev.state == .added)
        #expect(t.kernel.warnings.contains { $0.message == "Resources present before probing" })
    }

    @Test func firstMatchingDriverInRegistrationOrderWinsAndRejectTriesNext() throws {
        let t = TestKernel()
        let rejecting = ClosureDriver(name: "a", idTable: ["vendor,chip"]) { _ throws(ProbeError) in throw .rejected(.ENODEV) }
        let accepting = ClosureDriver(name: "b", idTable: ["vendor,chip"])
        let late = ClosureDriver(name: "c", idTable: ["vendor,chip"])
        try t.kernel.registerDriver(rejecting, on: t.bus)
        try t.kernel.registerDriver(accepting, on: t.bus)
        try t.kernel.registerDriver(late, on: t.bus)
        let dev = t.device("chip.0", ids: ["vendor,chip"])
        try t.kernel.register(dev)
        #expect(dev.driverName == "b")
    }

    @Test func driverOverrideBindsOnlyTheNamedDriver() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(ClosureDriver(name: "normal", idTable: ["x"]), on: t.bus)
        try t.kernel.registerDriver(ClosureDriver(name: "vfio"), on: t.bus)
        let dev = t.device("dev.0", ids: ["x"])
        try t.kernel.register(dev)
        #expect(dev.driverName == "normal")
        try t.kernel.setDriverOverride(dev, "vfio")
        #expect(dev.driverName == "normal")  // override does not unbind
        try t.kernel.unbind(dev)
        #expect(throws: DriverCoreError.self) { try t.kernel.bind(dev, to: "normal") }
        try t.kernel.bind(dev, to: "vfio")
        #expect(dev.driverName == "vfio")
    }

    @Test func driverRegistrationBindsAllMatchingUnboundDevices() throws {
        let t = TestKernel()
        let devs = (0..<5).map { t.device("d.\($0)", ids: ["gen"]) }
        for d in devs { try t.kernel.register(d) }
        try t.kernel.registerDriver(ClosureDriver(name: "gen-drv", idTable: ["gen"]), on: t.bus)
        #expect(devs.allSatisfy { $0.driverName == "gen-drv" })
        try t.kernel.unregisterDriver(t.kernel.driverRecord(named: "gen-drv", on: t.bus)!.driver, on: t.bus)
        #expect(devs.allSatisfy { $0.state == .unbound })
    }

    @Test func suppressBindAttributesRefusesManualBindAndUnbind() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(ClosureDriver(name: "fixed", suppressBindAttributes: true), on: t.bus)
        let dev = t.device("fixed")
        try t.kernel.register(dev)
        #expect(dev.state == .bound)
        #expect(throws: DriverCoreError.bindAttributesSuppressed(driver: "fixed", site: CallSite())) {
            try t.kernel.unbind(dev)
        }
        #expect(dev.state == .bound)
    }

    @Test func testDriverRemoveModeProbesRemovesAndProbesAgain() throws {
        let t = TestKernel()
        t.kernel.testDriverRemove = true
        try t.kernel.registerDriver(orderingDriver(t), on: t.bus)
        let dev = t.device("ord")
        try t.kernel.register(dev)
        #expect(dev.state == .bound)
        #expect(t.entries == ["remove (driver=ord, devres=3)", "release regmap", "release irq", "release clk"])
        #expect(t.recorder.events(.probeStart).count == 2)
    }

    @Test func boundDeviceProofGoesStaleAtUnbind() throws {
        let t = TestKernel()
        let proofValid = Box<[Bool]>([])
        let driver = ClosureDriver(name: "p", probe: { (dev: borrowing BoundDevice) throws(ProbeError) in
            proofValid.value.append(dev.isCurrent)
            do { try dev.setDriverData("state") } catch { throw .failed(.EINVAL, "") }
        }, remove: { (dev: borrowing BoundDevice) in
            proofValid.value.append(dev.isCurrent)
        })
        try t.kernel.registerDriver(driver, on: t.bus)
        let dev = t.device("p")
        try t.kernel.register(dev)
        #expect(try dev.driverData(as: String.self) == "state")
        try t.kernel.unbind(dev)
        #expect(proofValid.value == [true, true])
        #expect(try dev.driverData(as: String.self) == nil)
        // A proof built for an ended epoch is refused.
        let stale = BoundDevice(device: dev, epoch: 1)
        #expect(throws: DriverCoreError.self) { try stale.setDriverData(1) }
    }
}
