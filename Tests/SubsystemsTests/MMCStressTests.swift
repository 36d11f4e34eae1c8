import Testing
import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// Threads opening, writing, reading and querying /dev/mmcblk0 while another thread unbinds
/// and rebinds the host in a loop: no transfer reaches the driver after its unbind finished
/// (the card's data is devres memory), every host is freed exactly once, and the only failures
/// are a removed disk's answers and the missing node.
@Suite struct MMCStressTests {
    @Test func callersRaceUnbindRebind() throws {
        let f = try MMCFixture(keeping: [.memoryUseAfterFree, .cdevRegister, .deviceRelease])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        var bodies: [@Sendable () -> Void] = []
        for t in 0..<3 {
            bodies.append(fileCaller(stop: stop, outcomes: outcomes, open: { () throws(FileError) in
                try f.dev.open("/dev/mmcblk0")
            }, use: { (file: OpenFile) throws(FileError) in
                _ = try file.write([UInt8(t)])
                _ = try file.ioctl(MmcIocSendStatus())
                _ = try file.ioctl(BlkGetSize64())
                _ = try file.read(maxBytes: 4)
            }))
        }
        bodies.append(rebindLoop(f.kernel, f.controller, driver: SDHCISimDriver.driverName, stop: stop) {
            outcomes.withLock { $0["ok"] ?? 0 } > 0
        })
        runOnThreads(bodies)
        try f.kernel.unregister(f.controller)
        #expect(f.useAfterFree.isEmpty)
        let releases = f.recorder.events(.deviceRelease)
        #expect(releases.filter { $0.objectName == "mmc0" }.count == 41)
        #expect(releases.filter { $0.objectName == "mmcblk0" }.count == 41)
        let seen = Set(outcomes.withLock { $0.keys })
        #expect(seen.isSubset(of: ["ok", "EIO", "ENODEV", "open ENOENT", "open ENODEV"]), "\(seen)")
    }
}
