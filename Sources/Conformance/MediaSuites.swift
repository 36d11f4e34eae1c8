import CharDev
import DriverCore
import Instrumentation
import SimHardware
import Subsystems

/// drivers/gpu/drm/tests/drm_managed_test.c on the DRM core (its KUNIT_CASE names), and the
/// gpio-cdev-uaf shape (tools/testing/selftests/gpio) for `/dev/dri/card0` and `/dev/video0`.
enum MediaSuites {
    final class NoHardware: DrmDriverOps {
        var driverDescription: String { "conformance" }
        func detectConnector() throws(FileError) -> Bool { true }
    }

    /// A kernel with a DRM core and one bound device whose driver allocated and registered a
    /// `drm_device` (the suite's init: `__drm_kunit_helper_alloc_drm_device` on a parent).
    static func setUp() throws -> (kernel: Kernel, dev: DevNamespace, parent: Device, drm: DrmDevice) {
        let (kernel, bus) = try DriverCoreSuites.kernel()
        let dev = DevNamespace(kernel: kernel)
        let core = DrmCore(namespace: dev)
        let made = Locked<DrmDevice?>(nil)
        try kernel.registerDriver(ClosureDriver(name: "drm-test") { (d: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                let drm = try core.devmDrmDevAlloc("drm-test", provider: d)
                made.withLock { $0 = drm }
                try core.register(drm, operations: NoHardware(), provider: d)
            }
        }, on: bus)
        let parent = DriverCoreSuites.device(kernel, "drm-test", bus: bus)
        try kernel.register(parent)
        guard let drm = made.withLock({ $0 }) else {
            throw ConformanceFailure(message: "the driver did not allocate a drm_device", site: CallSite())
        }
        return (kernel, dev, parent, drm)
    }

    static let cases: [ConformanceCase] = [
        ConformanceCase(suite: "drm_managed", name: "drm_test_managed_release_action") {
            let t = try setUp()
            let ran = DriverCoreSuites.Flag()
            try t.drm.drmm.addActionOrReset(ActionKey("drm_action")) { ran.bump() }
            try t.drm.drmm.releaseAction(ActionKey("drm_action"))
            try check(ran.count == 1, "drmm_release_action did not run the action")
            try t.kernel.unregister(t.parent)
            try check(ran.count == 1 && t.drm.isReleased, "ran \(ran.count) times; released: \(t.drm.isReleased)")
        },
        ConformanceCase(suite: "drm_managed", name: "drm_test_managed_run_action") {
            let t = try setUp()
            let ran = DriverCoreSuites.Flag()
            try t.drm.drmm.addActionOrReset(ActionKey("drm_action")) { ran.bump() }
            try check(ran.count == 0, "the action ran before the device went")
            try t.kernel.unregister(t.parent)
            try check(ran.count == 1, "the action did not run at the final drm_dev_put")
        },
        ConformanceCase(suite: "drm-cdev-uaf", name: "card fd: ioctl and read ENODEV, poll HUP|ERR; drmm released at the close") {
            let t = try setUp()
            let ran = DriverCoreSuites.Flag()
            try t.drm.drmm.addAction(ActionKey("drm_action")) { ran.bump() }
            let file = try t.dev.open("/dev/dri/card0")
            try t.kernel.unbind(t.parent)
            try check(t.drm.isUnplugged, "not unplugged at unbind")
            try check(RevocableAndCdevSuites.errno { () throws(FileError) in _ = try file.ioctl(DrmIoctlVersion()) } == .ENODEV,
                      "ioctl did not give ENODEV")
            try check(RevocableAndCdevSuites.errno { () throws(FileError) in _ = try file.read() } == .ENODEV,
                      "read did not give ENODEV")
            try check(file.poll([.in]) == [.hup, .err], "poll gave \(file.poll([.in]))")
            try check(ran.count == 0, "drmm released while a file was open")
            try file.close()
            try check(ran.count == 1 && t.drm.releaseCount == 1, "drmm ran \(ran.count), released \(t.drm.releaseCount)")
        },
        ConformanceCase(suite: "v4l2-cdev-uaf", name: "video fd: ioctl and read ENODEV, poll HUP|ERR; vdev then v4l2_device released at the close") {
            let (kernel, bus) = try DriverCoreSuites.kernel()
            let dev = DevNamespace(kernel: kernel)
            let core = V4L2Core(namespace: dev)
            try kernel.registerDriver(SimCaptureDriver(v4l2: core), on: bus)
            let camera = Device(kernel: kernel, name: "cam.0", bus: bus, matchIDs: [SimCaptureDriver.driverName]) { _ in }
            try kernel.register(camera)
            let file = try dev.open("/dev/video0")
            guard let vdev = core.videoDevices.first else { throw ConformanceFailure(message: "no video0", site: CallSite()) }
            try kernel.unbind(camera)
            try check(RevocableAndCdevSuites.errno { () throws(FileError) in _ = try file.ioctl(VidiocQuerycap()) } == .ENODEV,
                      "ioctl did not give ENODEV")
            try check(RevocableAndCdevSuites.errno { () throws(FileError) in _ = try file.read() } == .ENODEV,
                      "read did not give ENODEV")
            try check(file.poll([.in]) == [.hup, .err], "poll gave \(file.poll([.in]))")
            try check(vdev.releaseCount == 0 && vdev.v4l2.releaseCount == 0, "released while a file was open")
            try file.close()
            try check(vdev.releaseCount == 1 && vdev.v4l2.releaseCount == 1,
                      "video_device released \(vdev.releaseCount), v4l2_device \(vdev.v4l2.releaseCount)")
        },
    ]
}
