import Testing
import Foundation
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// Several threads calling on GPIO files while another unbinds and rebinds in a loop: no call
/// may reach the driver after its unbind finished (the chip's values are devres memory, so
/// such a call would raise a use-after-free event), and every object is released exactly once.
@Suite struct GpioStressTests {
    @Test func callersRaceUnbindRebind() throws {
        let f = try GpioFixture(keeping: [.memoryUseAfterFree, .cdevRegister, .deviceRelease])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        // Real OS threads: on 2 cores a task group's pool could starve the unbinder.
        var bodies: [@Sendable () -> Void] = []
        for _ in 0..<3 {
            bodies.append(fileCaller(stop: stop, outcomes: outcomes, open: { () throws(FileError) in
                try f.dev.open("gpiochip0")
            }, use: { (file: OpenFile) throws(FileError) in
                let req = try file.ioctl(GpioGetLineRequest(offsets: [0], consumer: "s", output: true))
                try? req.ioctl(GpioLineSetValues([true]))
                _ = try? req.ioctl(GpioLineGetValues())
                _ = req.poll()
                try req.close()
            }))
        }
        bodies.append(rebindLoop(f.kernel, f.controller, driver: "test-gpio", stop: stop) { outcomes.withLock { $0["ok"] ?? 0 } > 0 })
        runOnThreads(bodies)
        try f.kernel.unregister(f.controller)
        #expect(f.useAfterFree.isEmpty)
        let registered = f.recorder.events(.cdevRegister).count
        // A rebind while a file holds the old chip takes the next number (gpiochip1, …).
        let released = f.recorder.events(.deviceRelease).filter { $0.objectName.hasPrefix("gpiochip") }.count
        #expect(registered == 41)
        #expect(released == registered)
        #expect(f.controller.state == .released)
        #expect((outcomes.withLock { $0["ok"] } ?? 0) > 0)
    }
}
