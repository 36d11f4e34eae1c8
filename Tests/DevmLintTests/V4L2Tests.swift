import Testing
@testable import DevmLint

/// devm memory embedding V4L2 objects whose release runs at the last close
/// (drivers/media/v4l2-core/v4l2-dev.c, v4l2_device_release()).
@Suite("V4L2 objects in devm memory")
struct V4L2Tests {
    @Test func embeddedVideoDeviceOnAnUnbindablePlatformDriver() throws {
        let r = try lintFixture("v4l2_embedded")
        #expect(rules(r) == ["devm-v4l2"])
        let f = try #require(r.findings.first)
        #expect(f.rule.severity == .error)
        #expect(f.message.contains("struct video_device (struct cam.vdev)"))
        #expect(f.notes.contains { $0.message.contains("video_register_device(") })
        #expect(f.notes.contains { $0.message.contains("can be unbound through sysfs") })
    }

    @Test func usbCameraIsHotPluggable() throws {
        let r = try lintFixture("v4l2_usb")
        #expect(rules(r) == ["devm-v4l2"])
        #expect(r.findings[0].notes.contains { $0.message.contains("unplugged") })
    }

    @Test func separatelyAllocatedVideoDeviceIsNotReported() throws {
        #expect(try lintFixture("v4l2_separate").findings.isEmpty)
    }

    @Test func separateVideoDeviceStillReachesADevmV4L2Device() throws {
        let r = try lintFixture("v4l2_separate_v4l2dev")
        #expect(rules(r) == ["devm-v4l2"])
        #expect(r.findings[0].message.contains("struct v4l2_device (struct cam.v4l2_dev)"))
    }

    @Test func containerFreedByItsReleaseCallbackIsNotReported() throws {
        #expect(try lintFixture("v4l2_release_cb").findings.isEmpty)
    }

    @Test func suppressedBindAttributesOnANonHotplugBusIsNotReported() throws {
        #expect(try lintFixture("v4l2_suppress").findings.isEmpty)
    }

    @Test func suppressedBindAttributesWithoutFopsOwnerStillAllowModuleUnload() throws {
        let r = try lintFixture("v4l2_suppress_noowner")
        #expect(rules(r) == ["devm-v4l2"])
        #expect(r.findings[0].notes.contains { $0.message.contains("module can be unloaded") })
    }
}

@Suite("V4L2 evidence")
struct V4L2EvidenceTests {
    @Test func theRegistrationOfTheEmbeddedMemberIsCitedThroughALocalAlias() throws {
        let r = try lintFixture("v4l2_alias")
        #expect(rules(r) == ["devm-v4l2"])
        #expect(r.findings[0].notes.contains { $0.location?.file.hasSuffix("cam/cam.c") == true && $0.message.contains("video_register_device(vfd)") })
    }
}
