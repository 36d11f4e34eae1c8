import Testing
@testable import DevmLint

/// The typed evidence a witness is built from: the driver's own names, per route.
@Suite("finding evidence")
struct EvidenceTests {
    @Test func anEmbeddedMiscdeviceNamesItsStructFopsAndDriver() throws {
        let e = try #require(try lintFixture("misc_basic").findings.first?.evidence)
        #expect(e.route == .embeddedMisc)
        #expect((e.container, e.allocator, e.probe) == ("widget", "devm_kzalloc", "widget_probe"))
        #expect(e.objectPath == ["misc"] && e.objectPathTypes == ["widget"])
        #expect((e.registration, e.fops, e.operation, e.operationFunction) == ("misc_register", "widget_fops", "read", "widget_read"))
        #expect(e.unbind == .sysfs && e.driver == "widget_driver")
        #expect(e.allocatedAt?.line == 26 && e.usedAt?.line == 12)
    }

    @Test func aGlobalClearedWithoutTheFopsLockIsTheUnlockedRoute() throws {
        let e = try #require(try lintFixture("static_misc_unlocked").findings.first?.evidence)
        #expect(e.route == .unlockedGlobal)
        #expect((e.global, e.staticMisc, e.operation) == ("panel_dev", "panel_misc", "unlocked_ioctl"))
        #expect(e.clearedAt?.line == 42)
    }

    @Test func nullAfterRemoveThroughDrvdataNamesThePointee() throws {
        let e = try #require(try lintFixture("null_drvdata").findings.first?.evidence)
        #expect(e.route == .nullAfterRemove && e.global == nil)
        #expect((e.container, e.remove, e.operationFunction) == ("meter", "meter_remove", "meter_read"))
        #expect(e.staticMisc == "meter_misc" && e.registration == "misc_register")
    }

    @Test func hotplugAndModuleUnloadRoutesAreTyped() throws {
        #expect(try lintFixture("usb_hotplug").findings.first?.evidence?.unbind == .hotplug)
        #expect(try lintFixture("suppress_noowner").findings.first?.evidence?.unbind == .moduleUnload)
        let v = try #require(try lintFixture("v4l2_embedded").findings.first?.evidence)
        #expect(v.route == .videoNode && v.objectPath == ["vdev"] && v.registration == "video_register_device")
    }

    @Test func aSuppressionHasNoEvidence() throws {
        let r = try lintFixture("suppressed_noreason")
        #expect(r.findings.first { $0.rule == .badSuppression }?.evidence == nil)
    }
}
