import Testing
import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// Threads opening `/dev/video0` and `/dev/media0`, querying and reading controls and
/// closing, while another unbinds and rebinds the camera in a loop: no call reaches the
/// sensor registers after the unbind (devres memory), and every video_device and v4l2_device
/// is released exactly once, the v4l2_device after its video_device.
@Suite struct V4L2StressTests {
    @Test func callersRaceUnbindRebind() throws {
        let f = try V4L2Fixture(keeping: [.memoryUseAfterFree, .cdevRegister, .deviceRelease])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        var bodies: [@Sendable () -> Void] = []
        for t in 0..<3 {
            bodies.append(fileCaller(stop: stop, outcomes: outcomes, open: { () throws(FileError) in
                try f.dev.open(t == 2 ? "media0" : "video0", nonblocking: true)
            }, use: { (file: OpenFile) throws(FileError) in
                if t == 2 {
                    _ = try file.ioctl(MediaIocDeviceInfo())
                } else {
                    _ = try file.ioctl(VidiocQuerycap())
                    _ = try file.ioctl(VidiocGCtrl(id: SimCaptureDriver.brightnessControl))
                    do throws(FileError) { _ = try file.read() } catch where error.errno == .EAGAIN {}
                }
                _ = file.poll()
            }))
        }
        bodies.append(rebindLoop(f.kernel, f.camera, driver: SimCaptureDriver.driverName, stop: stop) {
            outcomes.withLock { $0["ok"] ?? 0 } > 0
        })
        runOnThreads(bodies)
        try f.kernel.unregister(f.camera)
        #expect(f.useAfterFree.isEmpty)
        let releases = f.recorder.events(.deviceRelease)
        #expect(releases.filter { $0.objectName == "video0" }.count == 41)
        #expect(releases.filter { $0.objectName == "media0" }.count == 41)
        #expect(releases.filter { $0.objectName == "v4l2:cam.0" }.count == 41)
        #expect((outcomes.withLock { $0["ok"] } ?? 0) > 0)
    }
}
