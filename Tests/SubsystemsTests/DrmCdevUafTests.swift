import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// gpio-cdev-uaf (tools/testing/selftests/gpio) for `/dev/dri/card0`: unbind with the node open.
@Suite("drm-cdev-uaf") struct DrmCdevUafTests {
    @Test("open → unbind → ioctl/read ENODEV, poll HUP|ERR, close safe, drm_device released once at the close")
    func unbindWithNodeOpen() throws {
        let f = try DrmFixture()
        let file = try f.dev.open("/dev/dri/card0")
        #expect(try file.ioctl(DrmIoctlVersion()).name == "sim-hdmi")
        #expect(try file.ioctl(DrmIoctlModeGetConnector()))
        let drm = try #require(f.drm(0))
        try f.kernel.unbind(f.encoders[0])          // returns although the file is open
        #expect(drm.isUnplugged && !f.dev.contains("/dev/dri/card0"))
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(DrmIoctlVersion()) }
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(DrmIoctlModeGetConnector()) }
        #expect(throws: FileError(.ENODEV, "")) { try file.read() }
        #expect(file.poll([.in]) == [.hup, .err])
        // The devm reference is gone; the file's node still holds the drm_device (and its drmm state).
        #expect(drm.releaseCount == 0)
        try file.close()
        #expect(drm.releaseCount == 1)
        #expect(throws: FileError(.EBADF, "")) { try file.close() }
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("drm_dev_enter fails after the unplug: the hot-plug handler never reaches the freed registers")
    func enterAfterUnplug() throws {
        let f = try DrmFixture()
        #expect(f.driver.hotplugInterrupt(on: f.encoders[0]))
        let drm = try #require(f.drm(0))
        f.core.unplug(drm)                          // the driver unplugs early, in its remove
        #expect(drm.enter { true } == nil)
        try f.kernel.unbind(f.encoders[0])          // the devres unplug is a no-op now
        #expect(drm.enter { true } == nil)
        #expect(drm.releaseCount == 1)              // no file: the devm put was the last
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("rebind: a new drm_device as card0; the old file stays ENODEV and pins only the old one")
    func rebind() throws {
        let f = try DrmFixture()
        let old = try f.dev.open("dri/card0")
        let oldDrm = try #require(f.drm(0))
        try f.kernel.unbind(f.encoders[0])
        try f.kernel.bind(f.encoders[0], to: "sim-hdmi")
        let newDrm = try #require(f.drm(0))
        #expect(newDrm !== oldDrm)
        let new = try f.dev.open("dri/card0")
        #expect(try new.ioctl(DrmIoctlModeGetConnector()))
        #expect(throws: FileError(.ENODEV, "")) { try old.ioctl(DrmIoctlModeGetConnector()) }
        try old.close()
        #expect(oldDrm.releaseCount == 1 && newDrm.releaseCount == 0)
        try new.close()
        #expect(f.useAfterFree.isEmpty)
    }
}
