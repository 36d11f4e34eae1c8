import CharDev
import DriverCore
import Foundation
import Instrumentation
import SimHardware
import Subsystems

/// net_device lifetime rules as conformance cases. The kernel has no KUnit suite for them;
/// these follow what net/core/dev.c and net/devres.c document: `free_netdev` only before
/// registration or after unregistration (the BUG_ON in free_netdev), priv freed with the
/// netdev (`netdev_priv`), `netdev_wait_allrefs_any` waiting for dev_hold references,
/// `devm_register_netdev`'s devm-allocation check — and the gpio-cdev-uaf shape
/// (tools/testing/selftests/gpio) for a socket held across the driver's unbind.
enum NetSuites {
    /// A platform bus with one `sim-eth` controller (`api`: devm or classic).
    struct Board {
        let kernel = Kernel()
        let bus = Bus(name: "platform")
        let net: NetCore
        let recorder = EventRecorder()
        let controller: Device

        init(classic: Bool = false, unregisterWarning: UInt64 = 10_000_000_000) throws {
            kernel.events.attach(recorder)
            try kernel.registerBus(bus)
            net = NetCore(namespace: DevNamespace(kernel: kernel), unregisterWarning: unregisterWarning)
            try kernel.registerDriver(SimEthernetDriver(net: net), on: bus)
            controller = Device(kernel: kernel, name: "eth-sim.0", bus: bus, matchIDs: ["sim-eth"],
                                properties: classic ? ["netdev-api": "classic"] : [:]) { _ in }
            try kernel.register(controller)
        }

        var useAfterFree: Int { recorder.events(.memoryUseAfterFree).count }
    }

    static let cases: [ConformanceCase] = [
        ConformanceCase(suite: "netdev-lifetime", name: "register_netdev names and lists the device") {
            let b = try Board()
            let eth0 = try b.net.hold(named: "eth0", holder: "check")
            try check(eth0.registrationState == .registered && eth0.ifindex > 1, "eth0 not registered with an ifindex")
            b.net.put(eth0, holder: "check")
        },
        ConformanceCase(suite: "netdev-lifetime", name: "free_netdev before registration frees the priv") {
            let b = try Board()
            let (dev, priv) = b.net.allocEtherdev(priv: 1)
            b.net.free(dev)
            try check(!priv.isLive, "priv still allocated after free_netdev")
        },
        ConformanceCase(suite: "netdev-lifetime", name: "free_netdev of a registered device is refused") {
            let b = try Board()
            let eth0 = try b.net.hold(named: "eth0", holder: "check")
            b.net.put(eth0, holder: "check")
            b.net.free(eth0)
            try check(eth0.registrationState == .registered && !eth0.isReleased, "a registered netdev was freed")
        },
        ConformanceCase(suite: "netdev-lifetime", name: "unregister waits for dev_hold, not for sockets") {
            let b = try Board(unregisterWarning: 0)
            let held = try b.net.hold(named: "eth0", holder: "check")
            let socket = try b.net.socket(bindTo: "eth0")
            let done = DispatchSemaphore(value: 0)
            Thread { try? b.kernel.unbind(b.controller); done.signal() }.start()
            let early = done.wait(timeout: .now() + .milliseconds(50)) == .success
            b.net.put(held, holder: "check")
            done.wait()
            try socket.close()
            try check(!early, "unregister returned with a dev_hold outstanding")
            try check(held.isReleased, "the netdev was not released after its last reference")
        },
        ConformanceCase(suite: "netdev-lifetime", name: "devm_register_netdev needs devm_alloc_etherdev on the same device") {
            let b = try Board()
            try b.kernel.unbind(b.controller)
            let (dev, _) = b.net.allocEtherdev(priv: 0)
            let refused = ClosureDriver(name: "mixed", idTable: ["mixed"]) { [net = b.net] (d: borrowing BoundDevice) throws(ProbeError) in
                try ProbeError.mapping { try net.devmRegister(dev, ops: IdleOps(), provider: d) }
            }
            try b.kernel.registerDriver(refused, on: b.bus)
            try checkThrows("devm_register_netdev accepted a non-devm netdev") { try b.kernel.bind(b.controller, to: "mixed") }
            b.net.free(dev)
        },
        ConformanceCase(suite: "netdev-socket-uaf", name: "socket ioctl and send after unbind: ENODEV/ENXIO, close safe") {
            for classic in [false, true] {
                let b = try Board(classic: classic)
                let s = try b.net.socket()
                let p = try b.net.socket(bindTo: "eth0")
                try s.ioctl(SiocSIFFlags(ifname: "eth0", up: true))
                try b.kernel.unbind(b.controller)
                try checkThrows("SIOCGIFFLAGS after unbind") { _ = try s.ioctl(SiocGIFFlags(ifname: "eth0")) }
                try checkThrows("SIOCSIFFLAGS after unbind") { try s.ioctl(SiocSIFFlags(ifname: "eth0", up: false)) }
                try checkThrows("send after unbind") { _ = try p.write([1]) }
                try check(p.poll([.out]).contains(.err), "no POLLERR on a packet socket whose device is gone")
                try s.close()
                try p.close()
                try check(b.useAfterFree == 0, "a call reached the driver after its unbind")
            }
        },
    ]

    /// `net_device_ops` that touch nothing.
    final class IdleOps: NetDeviceOps {
        func open() throws(FileError) {}
        func stop() {}
        func startXmit(_ frame: [UInt8]) throws(FileError) {}
    }
}
