import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// Threads bringing eth0 up and down, sending on bound packet sockets and reading its flags
/// while another thread unbinds and rebinds the controller in a loop: no op reaches the driver
/// after its unbind (the MMIO window is devres memory: such a call raises a use-after-free
/// event), every unregister finishes (the sends' dev_holds drain), and every netdev block is
/// released exactly once.
@Suite struct NetStressTests {
    @Test func socketsRaceUnbindRebind() throws {
        let f = try NetFixture(keeping: [.memoryUseAfterFree, .netdevRegister, .netdevFree, .memoryFree, .warning])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        var bodies: [@Sendable () -> Void] = []
        for t in 0..<3 {
            bodies.append(fileCaller(stop: stop, outcomes: outcomes, open: { () throws(FileError) in
                try f.net.socket(bindTo: t == 0 ? nil : "eth0")
            }, use: { (socket: OpenFile) throws(FileError) in
                try socket.ioctl(SiocSIFFlags(ifname: "eth0", up: true))
                _ = try socket.ioctl(SiocGIFFlags(ifname: "eth0"))
                if t > 0 { _ = try socket.write([UInt8(t)]) }
                _ = socket.poll()
                if t == 2 { try socket.ioctl(SiocSIFFlags(ifname: "eth0", up: false)) }
            }))
        }
        bodies.append(rebindLoop(f.kernel, f.controller, driver: "sim-eth", stop: stop) {
            outcomes.withLock { $0["ok"] ?? 0 } > 0
        })
        runOnThreads(bodies)
        try f.kernel.unregister(f.controller)
        #expect(f.useAfterFree.isEmpty)
        #expect(f.recorder.events(.netdevRegister).count == 41)
        #expect(f.recorder.events(.netdevFree).count == 41)
        // Each netdev's priv is freed once, by its release (and nothing is freed twice).
        #expect(f.recorder.events(.memoryFree).filter { $0.objectName.hasPrefix("netdev_priv") }.count == 41)
        #expect(f.warnings.isEmpty)
        #expect((outcomes.withLock { $0["ok"] } ?? 0) > 0)
    }
}
