import Testing
import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// gpio-cdev-uaf's shape for a gadget function's file: open /dev/hidg0 → unbind the UDC →
/// every call → close; and the composite core's bind/unbind rules.
@Suite("gadget-hidg-uaf") struct GadgetFunctionTests {
    @Test("open → UDC unbind → write/read ENODEV, poll HUP|ERR, close safe; the node's object released once")
    func unbindWithFileOpen() throws {
        let f = try GadgetFixture()
        let file = try f.dev.open("/dev/hidg0")
        #expect(try file.write([1, 2]) == 2)
        #expect(f.hid.hostSends([9]))
        #expect(try file.read() == [9])
        let node = file.characterDevice
        try f.kernel.unbind(f.udc)                    // returns with the file open
        #expect(!f.gadget.isBound && f.dev.paths.isEmpty)
        #expect(throws: FileError(.ENODEV, "")) { try file.write([1]) }
        #expect(throws: FileError(.ENODEV, "")) { try file.read() }
        #expect(file.poll([.in, .out]) == [.hup, .err])
        #expect(!f.hid.hostSends([1]))
        #expect(!node.isReleased)
        try file.close()
        #expect(node.isReleased)
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("a reader asleep on /dev/hidg0 is woken by the UDC unbind with ENODEV")
    func blockedReaderWoken() throws {
        let f = try GadgetFixture()
        let file = try f.dev.open("/dev/hidg0")
        let result = Locked<Errno?>(nil)
        runOnThreads([
            { do throws(FileError) { _ = try file.read() } catch { result.withLock { $0 = error.errno } } },
            {
                waitUntil { file.characterDevice.sleepers == 1 }
                try? f.kernel.unbind(f.udc)
            },
        ])
        #expect(result.withLock { $0 } == .ENODEV)
        try file.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("a rebind makes a fresh hidg0: the old file stays dead, the new one works (CVE-2026-31606's rule)")
    func rebindFreshNode() throws {
        let f = try GadgetFixture()
        let old = try f.dev.open("/dev/hidg0")
        try f.kernel.unbind(f.udc)
        try f.kernel.bind(f.udc, to: "sim-udc")
        let new = try f.dev.open("/dev/hidg0")
        #expect(try new.write([1]) == 1)
        #expect(throws: FileError(.ENODEV, "")) { try old.write([1]) }
        try old.close()
        try new.close()
        #expect(f.useAfterFree.isEmpty)
    }

    /// composite_bind: a function whose bind fails unbinds the ones already bound, newest
    /// first, and nothing is published.
    @Test func failingBindUnwinds() throws {
        let failing = FailingFunction()
        let f = try GadgetFixture(functions: [failing])
        #expect(!f.gadget.isBound && f.dev.paths.isEmpty)
        #expect(f.udc.state != .bound)
        #expect(f.recorder.events(.memoryFree).contains { $0.objectName == "hidg0 endpoint" })
        #expect(f.useAfterFree.isEmpty)
    }

    /// Every function bound, then a node's publish fails (two functions claim hidg0): the
    /// nodes go and both functions are unbound, their endpoints freed.
    @Test func publishFailureUnbindsTheFunctions() throws {
        let twin = SimHidFunction(minor: 0, events: EventStream())
        let f = try GadgetFixture(functions: [twin])
        #expect(!f.gadget.isBound && f.dev.paths.isEmpty)
        #expect(!f.hid.hostSends([1]) && !twin.hostSends([1]))
        #expect(f.recorder.events(.memoryFree).contains { $0.objectName == "hidg0 endpoint" })
        #expect(f.useAfterFree.isEmpty)
    }

    final class FailingFunction: GadgetFunction {
        let name = "failing"
        func bind(_ context: GadgetBindContext) throws(FileError) { throw FileError(.ENOMEM, "no endpoints") }
        func unbind() {}
    }
}

/// Threads opening /dev/hidg0, writing reports, polling and closing while another thread
/// unbinds and rebinds the UDC: no file operation reaches a function's endpoint state after
/// its unbind (a use-after-free event), and every node object is released once.
@Suite struct GadgetStressTests {
    @Test func filesRaceUDCRebind() throws {
        let f = try GadgetFixture(keeping: [.memoryUseAfterFree, .cdevRegister, .deviceRelease])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        var bodies: [@Sendable () -> Void] = []
        for _ in 0..<3 {
            bodies.append(fileCaller(stop: stop, outcomes: outcomes, open: { () throws(FileError) in
                try f.dev.open("/dev/hidg0", nonblocking: true)
            }, use: { (file: OpenFile) throws(FileError) in
                _ = try file.write([1, 2, 3])
                f.hid.hostSends([7])
                _ = file.poll()
                do throws(FileError) { _ = try file.read() } catch where error.errno == .EAGAIN {}
            }))
        }
        bodies.append(rebindLoop(f.kernel, f.udc, driver: "sim-udc", stop: stop) {
            outcomes.withLock { $0["ok"] ?? 0 } > 0
        })
        runOnThreads(bodies)
        try f.kernel.unregister(f.udc)
        #expect(f.useAfterFree.isEmpty)
        #expect(f.recorder.events(.cdevRegister).filter { $0.objectName == "hidg0" }.count == 41)
        #expect(f.recorder.events(.deviceRelease).filter { $0.objectName == "hidg0" }.count == 41)
        #expect((outcomes.withLock { $0["ok"] } ?? 0) > 0)
    }
}
