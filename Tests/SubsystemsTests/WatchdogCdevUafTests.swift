import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// gpio-cdev-uaf (tools/testing/selftests/gpio) for the watchdog node: unregister with the node open.
@Suite("watchdog-cdev-uaf") struct WatchdogCdevUafTests {
    @Test("open → unbind → write/ioctl/read ENODEV, poll HUP|ERR, close safe, released once")
    func unbindWithNodeOpen() throws {
        let f = try WatchdogFixture()
        let file = try f.dev.open("/dev/watchdog0")
        let wdog = f.wdog
        try f.kernel.unbind(f.controller)          // returns although the file is open
        #expect(f.dev.paths.isEmpty)
        #expect(throws: FileError(.ENODEV, "")) { try file.write(Array("V".utf8)) }
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(WdiocKeepalive()) }
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(WdiocGetTimeout()) }
        #expect(throws: FileError(.ENODEV, "")) { try file.read() }
        #expect(file.poll([.in, .out]) == [.hup, .err])
        #expect(wdog.releaseCount == 0)
        try file.close()
        #expect(wdog.releaseCount == 1)
        #expect(f.releases(of: "watchdog0") == 1 && f.releases(of: "watchdog") == 1)
        #expect(throws: FileError(.EBADF, "")) { try file.close() }
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("a file on /dev/watchdog pins the core object until its close")
    func legacyNodePins() throws {
        let f = try WatchdogFixture()
        let file = try f.dev.open("/dev/watchdog")
        let wdog = f.wdog
        try f.kernel.unbind(f.controller)
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(WdiocGetStatus()) }
        #expect(wdog.releaseCount == 0 && !(wdog.cdev?.isReleased ?? true))
        try file.close()
        #expect(wdog.releaseCount == 1)
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("left running at unbind it keeps counting down; with stop-on-unregister it stops")
    func runningAtUnbind() throws {
        let f = try WatchdogFixture()
        let file = try f.dev.open("watchdog0")
        try f.kernel.unbind(f.controller)
        #expect(f.hardware.running)
        #expect(f.recorder.events(.warning).contains { $0.detail.hasSuffix(": watchdog still running at unregister") })
        f.clock.advance(by: 10)
        #expect(f.hardware.rebootPending)
        try file.close()

        let g = try WatchdogFixture(config: WatchdogConfig(timeout: 10, stopOnUnregister: true))
        let h = try g.dev.open("watchdog0")
        try g.kernel.unbind(g.controller)
        #expect(!g.hardware.running)
        try h.close()
        #expect(f.useAfterFree.isEmpty && g.useAfterFree.isEmpty)
    }

    @Test("hot-unplug of the controller removes the subtree while the node is open")
    func unplug() throws {
        let f = try WatchdogFixture()
        let file = try f.dev.open("watchdog")
        try f.kernel.unregister(f.controller)
        #expect(throws: FileError(.ENODEV, "")) { try file.write([1]) }
        #expect(f.controller.state == .deleted)   // pinned by watchdog0, its child
        try file.close()
        #expect(f.controller.state == .released)
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("rebind: a new object and node whose handles work; old handles stay dead")
    func rebind() throws {
        let f = try WatchdogFixture()
        let old = try f.dev.open("watchdog0")
        let oldCore = f.wdog
        try f.kernel.unbind(f.controller)
        try f.kernel.bind(f.controller, to: "test-wdt")
        #expect(f.wdog !== oldCore && f.wdog.id == 0)
        let new = try f.dev.open("watchdog0")      // not EBUSY: the old object's open flag is its own
        #expect(try new.ioctl(WdiocGetTimeout()) == 10)
        #expect(throws: FileError(.ENODEV, "")) { try old.ioctl(WdiocGetTimeout()) }
        #expect(old.characterDevice !== new.characterDevice)
        try old.close()
        #expect(oldCore.releaseCount == 1)
        _ = try new.write(Array("V".utf8))
        try new.close()
        #expect(f.wdog.releaseCount == 0)
        #expect(f.useAfterFree.isEmpty)
    }
}
