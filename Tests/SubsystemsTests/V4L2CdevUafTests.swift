import Testing
import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// gpio-cdev-uaf (tools/testing/selftests/gpio) for `/dev/video0` and `/dev/media0`.
@Suite("v4l2-cdev-uaf") struct V4L2CdevUafTests {
    @Test("open → unbind → ioctl/read ENODEV, poll HUP|ERR, close: video_device then v4l2_device released, once each")
    func unbindWithNodesOpen() throws {
        let f = try V4L2Fixture()
        let video = try f.dev.open("/dev/video0")
        let media = try f.dev.open("/dev/media0")
        #expect(try video.ioctl(VidiocQuerycap()).driver == "sim-capture")
        #expect(try video.ioctl(VidiocGCtrl(id: SimCaptureDriver.brightnessControl)) == 128)
        #expect(try media.ioctl(MediaIocDeviceInfo()).model == "Simulated camera")
        let vdev = try #require(f.video)
        try f.kernel.unbind(f.camera)               // returns although both files are open
        #expect(!vdev.isRegistered && f.dev.paths.isEmpty)
        #expect(throws: FileError(.ENODEV, "")) { try video.ioctl(VidiocQuerycap()) }
        #expect(throws: FileError(.ENODEV, "")) { try video.ioctl(VidiocGCtrl(id: SimCaptureDriver.brightnessControl)) }
        #expect(throws: FileError(.ENODEV, "")) { try video.read() }
        #expect(video.poll([.in]) == [.hup, .err])
        #expect(throws: FileError(.ENODEV, "")) { try media.ioctl(MediaIocDeviceInfo()) }
        #expect(media.poll([.in]) == [.hup, .err])
        // The unbind dropped the driver's v4l2_device reference; the video_device holds the last.
        #expect(vdev.releaseCount == 0 && vdev.v4l2.releaseCount == 0)
        try video.close()
        #expect(vdev.releaseCount == 1 && vdev.v4l2.releaseCount == 1)
        try media.close()
        #expect(throws: FileError(.EBADF, "")) { try video.close() }
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("a reader asleep waiting for a frame is woken by the unbind with ENODEV")
    func blockedReader() throws {
        let f = try V4L2Fixture()
        let video = try f.dev.open("/dev/video0")
        let cdev = try #require(f.video?.cdev)
        let result = Locked<Errno?>(nil)
        runOnThreads([
            { do throws(FileError) { _ = try video.read() } catch { result.withLock { $0 = error.errno } } },
            { waitUntil { cdev.sleepers == 1 }; try? f.kernel.unbind(f.camera) },
        ])
        #expect(result.withLock { $0 } == .ENODEV)
        try video.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("rebind: new video0 and media0 objects; the old file stays ENODEV")
    func rebind() throws {
        let f = try V4L2Fixture()
        let old = try f.dev.open("video0")
        let oldVdev = try #require(f.video)
        try f.kernel.unbind(f.camera)
        try f.kernel.bind(f.camera, to: SimCaptureDriver.driverName)
        let newVdev = try #require(f.video)
        #expect(newVdev !== oldVdev && newVdev.number == 0)
        let new = try f.dev.open("video0")
        #expect(try new.ioctl(VidiocGCtrl(id: SimCaptureDriver.brightnessControl)) == 128)
        #expect(throws: FileError(.ENODEV, "")) { try old.ioctl(VidiocQuerycap()) }
        try old.close()
        try new.close()
        #expect(oldVdev.v4l2.releaseCount == 1 && newVdev.v4l2.releaseCount == 0)
        #expect(f.useAfterFree.isEmpty)
    }
}
