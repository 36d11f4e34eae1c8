import Testing
import Foundation
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// Several threads opening spidev nodes and transferring while another unbinds and rebinds the
/// controller in a loop: no call reaches the driver after its unbind finished (devres memory:
/// use-after-free events), every call works or gets ENODEV (ENOENT at open while the node is
/// absent), and every spidev object is released exactly once.
@Suite struct SpidevStressTests {
    @Test func callersRaceUnbindRebind() throws {
        let f = try SpiFixture(keeping: [.memoryUseAfterFree, .cdevRegister, .deviceRelease])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        var bodies: [@Sendable () -> Void] = []
        do {
            for t in 0..<3 {
                bodies.append(fileCaller(stop: stop, outcomes: outcomes, open: { () throws(FileError) in
                    try f.dev.open("spidev0.\(t % 2)")
                }, use: { (file: OpenFile) throws(FileError) in
                    try file.ioctl(SpiIocWriteMaxSpeed(1_000_000))
                    _ = try file.ioctl(SpiIocMessage([SPITransfer(tx: [7]), .read(1)]))
                    _ = try file.write([1])
                    _ = file.poll()
                }))
            }
            bodies.append(rebindLoop(f.kernel, f.controller, driver: "sim-spi", stop: stop) { outcomes.withLock { $0["ok"] ?? 0 } > 0 })
        }
        runOnThreads(bodies)
        try f.kernel.unregister(f.controller)
        #expect(f.useAfterFree.isEmpty)
        let registered = f.recorder.events(.cdevRegister).count
        #expect(registered == 82)  // 41 bindings × 2 chip selects
        #expect(f.releases(of: "spidev0.0") + f.releases(of: "spidev0.1") == registered)
        #expect(f.controller.state == .released)
        let seen = outcomes.withLock { $0 }
        #expect(Set(seen.keys).isSubset(of: ["ok", "ENODEV", "open ENOENT", "open ENODEV"]), "unexpected outcomes: \(seen)")
        #expect((seen["ok"] ?? 0) > 0)
    }
}
