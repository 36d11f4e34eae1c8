import Testing
import Foundation
@testable import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// gpio-cdev-uaf (tools/testing/selftests/gpio) for misc devices. misc.c fences only *open* against
/// misc_deregister (misc_mtx); here every fop is fenced per device, so all give ENODEV.
@Suite("misc-cdev-uaf") struct MiscCdevUafTests {
    @Test("open → unbind → read/write/ioctl ENODEV, poll HUP|ERR, close safe, released once")
    func unbindWithFileOpen() throws {
        let f = try MiscFixture()
        let file = try f.dev.open("/dev/ctl-a-misc")
        #expect(try file.write([1, 2, 3]) == 3)
        #expect(try file.ioctl(MiscQueued()) == 3)
        #expect(file.poll([.in]) == [.in])
        let misc = try #require(f.device("ctl-a-misc"))
        try f.kernel.unbind(f.controllers[0])      // returns with the file open
        #expect(!misc.isRegistered && f.dev.paths.isEmpty)
        #expect(throws: FileError(.ENODEV, "")) { try file.read() }
        #expect(throws: FileError(.ENODEV, "")) { try file.write([4]) }
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(MiscQueued()) }
        #expect(file.poll([.in]) == [.hup, .err])
        #expect(!misc.cdev.isReleased)
        try file.close()
        #expect(misc.cdev.isReleased)
        #expect(f.releases(of: "ctl-a-misc") == 1)
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("a reader blocked before unbind wakes with ENODEV")
    func blockedReaderWakes() throws {
        let f = try MiscFixture()
        let file = try f.dev.open("ctl-a-misc")
        let queue = try #require(f.device("ctl-a-misc")).cdev.waiters
        let result = Locked<FileError?>(nil)
        let finished = DispatchSemaphore(value: 0)
        // A thread, not a task: a blocked read must not occupy a cooperative-pool thread.
        let reader = Thread {
            do throws(FileError) { _ = try file.read() } catch { result.withLock { $0 = error } }
            finished.signal()
        }
        reader.start()
        #expect(waitUntil { queue.sleepers == 1 }, "the reader never went to sleep")
        #expect(result.withLock { $0 } == nil)
        try f.kernel.unbind(f.controllers[0])
        // A hang guard only: the wake-up must come from the unbind, whatever the load.
        #expect(finished.wait(timeout: .now() + 60) == .success, "the unbind did not wake the reader")
        #expect(result.withLock { $0 }?.errno == .ENODEV)
        try file.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("rebind: a new object behind the same name; old files stay dead")
    func rebind() throws {
        let f = try MiscFixture()
        let old = try f.dev.open("ctl-a-misc")
        try f.kernel.unbind(f.controllers[0])
        try f.kernel.bind(f.controllers[0], to: "test-misc")
        let new = try f.dev.open("ctl-a-misc")
        #expect(try new.write([9]) == 1)
        #expect(throws: FileError(.ENODEV, "")) { try old.write([9]) }
        #expect(old.characterDevice !== new.characterDevice)
        try old.close(); try new.close()
        #expect(f.releases(of: "ctl-a-misc") == 1)
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("hot-unplug of the controller removes the node while a file is open")
    func unplug() throws {
        let f = try MiscFixture()
        let file = try f.dev.open("ctl-a-misc")
        try f.kernel.unregister(f.controllers[0])
        #expect(throws: FileError(.ENODEV, "")) { try file.read() }
        #expect(f.controllers[0].state == .deleted)
        try file.close()
        #expect(f.controllers[0].state == .released)
    }
}
