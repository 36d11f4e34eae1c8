import Testing
import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// Threads opening `/dev/dri/card0`, asking for the connector and closing, plus a thread
/// firing the hot-plug interrupt (`drm_dev_enter`), while another unbinds and rebinds in a
/// loop: no call reaches the driver's registers after its unbind (devres memory: such a call
/// raises a use-after-free event), and every `drm_device` is released exactly once.
@Suite struct DrmStressTests {
    @Test(arguments: DrmUnplugDesign.allCases)
    func callersRaceUnbindRebind(design: DrmUnplugDesign) throws {
        let f = try DrmFixture(design: design, keeping: [.memoryUseAfterFree, .cdevRegister, .drmUnplug])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        var bodies: [@Sendable () -> Void] = []
        for _ in 0..<2 {
            bodies.append(fileCaller(stop: stop, outcomes: outcomes, open: { () throws(FileError) in
                try f.dev.open("dri/card0")
            }, use: { (file: OpenFile) throws(FileError) in
                _ = try file.ioctl(DrmIoctlModeGetConnector())
                _ = try file.ioctl(DrmIoctlVersion())
                _ = file.poll()
            }))
        }
        bodies.append {
            while !stop.withLock({ $0 }) { f.driver.hotplugInterrupt(on: f.encoders[0]) }
        }
        bodies.append(rebindLoop(f.kernel, f.encoders[0], driver: "sim-hdmi", stop: stop) {
            outcomes.withLock { $0["ok"] ?? 0 } > 0
        })
        runOnThreads(bodies)
        let last = f.drm(0)
        try f.kernel.unregister(f.encoders[0])
        #expect(f.useAfterFree.isEmpty)
        #expect(f.recorder.events(.cdevRegister).count == 41)
        #expect(f.recorder.events(.drmUnplug).count == 41)
        #expect(last?.releaseCount == 1)
        #expect((outcomes.withLock { $0["ok"] } ?? 0) > 0)
    }
}
