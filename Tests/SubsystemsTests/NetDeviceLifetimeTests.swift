import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// The net_device lifetime rules of net/core/dev.c and net/devres.c.
@Suite struct NetDeviceLifetimeTests {
    /// A kernel user's dev_hold keeps unregister waiting (netdev_wait_allrefs_any), and only
    /// that: the warning names the holder, and its dev_put lets unregister finish.
    @Test func unregisterWaitsForKernelReferencesOnly() throws {
        let f = try NetFixture(unregisterWarning: 0)
        let held = try f.net.hold(named: "eth0", holder: "test-protocol")
        let socket = try f.net.socket(bindTo: "eth0")        // user space: holds nothing
        let done = Locked(false)
        runOnThreads([
            { try? f.kernel.unbind(f.controller); done.withLock { $0 = true } },
            {
                waitUntil { f.warnings.contains { $0.contains("waiting for eth0 to become free") } }
                #expect(!done.withLock { $0 })
                f.net.put(held, holder: "test-protocol")
            },
        ])
        #expect(done.withLock { $0 })
        #expect(f.warnings.contains { $0.contains("Usage count = 1 (held by: test-protocol ×1)") })
        try socket.close()
        #expect(held.isReleased && f.useAfterFree.isEmpty)
    }

    /// The priv is freed with the netdev: a use after free_netdev is a use after free.
    @Test func privIsFreedWithTheNetdev() throws {
        let f = try NetFixture()
        let (dev, priv) = f.net.allocEtherdev(priv: 7)
        f.net.free(dev)
        #expect(throws: DriverCoreError.self) { _ = try priv.get() }
        #expect(f.useAfterFree.count == 1)
    }

    /// free_netdev of a registered device is refused (the kernel's BUG_ON); the registered
    /// netdev stays usable and its priv live.
    @Test func freeOfRegisteredNetdevIsRefused() throws {
        let f = try NetFixture()
        let eth0 = try #require(f.eth0)
        f.net.free(eth0)
        #expect(f.warnings.contains { $0.contains("free_netdev of eth0 while registered") })
        #expect(eth0.registrationState == .registered && !eth0.isReleased)
    }

    /// A struct-device reference (sysfs, a sock's cached dev) keeps the block, priv included,
    /// past free_netdev; the last put frees it.
    @Test func deviceReferenceOutlivesFreeNetdev() throws {
        let f = try NetFixture(classic: true)
        let eth0 = try #require(f.eth0)
        let device = try #require(eth0.cdev?.device)
        _ = try device.get()
        try f.kernel.unbind(f.controller)                 // unregister_netdev + free_netdev
        #expect(eth0.registrationState == .freed && !eth0.isReleased)
        try device.put()
        #expect(eth0.isReleased && f.useAfterFree.isEmpty)
    }

    /// The parent's unbind unregisters a netdev whose driver forgot to (with a warning), so
    /// its ops are never reached once the parent's devres is gone.
    @Test func parentUnbindUnregistersALeftoverNetdev() throws {
        let f = try NetFixture()
        let parent = f.controller
        let driver = ClosureDriver(name: "forgetful", idTable: ["forgetful"]) { [net = f.net] (d: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                let mmio = try d.devres.alloc(0, name: "devm_ioremap")
                let (dev, _) = net.allocEtherdev(priv: 0)
                try net.register(dev, ops: CountingOps(mmio: mmio), provider: d)
            }
        }
        try f.kernel.unbind(parent)
        try f.kernel.registerDriver(driver, on: f.bus)
        try f.kernel.setDriverOverride(parent, "forgetful")
        try f.kernel.bind(parent, to: "forgetful")
        let s = try f.net.socket()
        try s.ioctl(SiocSIFFlags(ifname: "eth0", up: true))
        try f.kernel.unbind(parent)
        #expect(f.warnings.contains { $0.contains("eth0 still registered at the unbind of its parent") })
        #expect(throws: FileError(.ENODEV, "")) { try s.ioctl(SiocSIFFlags(ifname: "eth0", up: false)) }
        try s.close()
        #expect(f.useAfterFree.isEmpty)
    }

    /// devm_register_netdev needs a netdev devm-allocated on the same device (net/devres.c).
    @Test func devmRegisterNeedsDevmAllocation() throws {
        let f = try NetFixture()
        let driver = ClosureDriver(name: "mixed", idTable: ["mixed"]) { [net = f.net] (d: borrowing BoundDevice) throws(ProbeError) in
            let (dev, _) = net.allocEtherdev(priv: 0)
            do throws(DriverCoreError) { try net.devmRegister(dev, ops: CountingOps(mmio: ModelMemory(0, name: "x")), provider: d) } catch {
                net.free(dev)
                throw .failed(error.errno, error.message)
            }
        }
        try f.kernel.unbind(f.controller)
        try f.kernel.registerDriver(driver, on: f.bus)
        #expect(throws: (any Error).self) { try f.kernel.bind(f.controller, to: "mixed") }
        #expect(f.net.devices.isEmpty)
    }
}

final class CountingOps: NetDeviceOps {
    let mmio: ModelMemory<Int>
    init(mmio: ModelMemory<Int>) { self.mmio = mmio }
    private func touch() throws(FileError) { do { try mmio.write { $0 += 1 } } catch { throw FileError(.EIO, "\(error)") } }
    func open() throws(FileError) { try touch() }
    func stop() { try? touch() }
    func startXmit(_ frame: [UInt8]) throws(FileError) { try touch() }
}
