import Testing
import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// Threads opening, writing, reading, polling and querying /dev/ttyS0 while another thread
/// unbinds and rebinds the UART in a loop: no call reaches the driver after its unbind
/// finished (its registers are devres memory), every port is destroyed exactly once, and the
/// only failures are the hung-up answers and the missing node.
@Suite struct TTYStressTests {
    @Test func callersRaceUnbindRebind() throws {
        let f = try TTYFixture(keeping: [.memoryUseAfterFree, .cdevRegister, .deviceRelease])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        var bodies: [@Sendable () -> Void] = []
        for _ in 0..<3 {
            bodies.append(fileCaller(stop: stop, outcomes: outcomes, open: { () throws(FileError) in
                try f.dev.open("/dev/ttyS0", nonblocking: true)
            }, use: { (file: OpenFile) throws(FileError) in
                _ = try file.write([0x41])
                _ = file.poll()
                _ = try file.ioctl(TiocmGet())
                _ = try? file.read()
            }))
        }
        bodies.append(rebindLoop(f.kernel, f.uart, driver: SerialLoopbackDriver.driverName, stop: stop) {
            outcomes.withLock { $0["ok"] ?? 0 } > 0
        })
        runOnThreads(bodies)
        try f.kernel.unregister(f.uart)
        #expect(f.useAfterFree.isEmpty)
        let ports = f.recorder.events(.deviceRelease).filter { $0.objectName == "ttyS0-port" }.count
        #expect(ports == 41)
        #expect(f.recorder.events(.cdevRegister).filter { $0.objectName == "ttyS0" }.count == 41)
        let seen = Set(outcomes.withLock { $0.keys })
        #expect(seen.isSubset(of: ["ok", "EIO", "EAGAIN", "open ENOENT", "open ENODEV"]), "\(seen)")
    }
}
