import Testing
import Foundation
@testable import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// tools/testing/selftests/gpio/gpio-cdev-uaf (`c7f92042d3f3`), as our own tests: open the chip
/// (or a line request), remove the chip, then use the dangling file.
@Suite("gpio-cdev-uaf") struct GpioCdevUafTests {
    @Test("chip fd: poll HUP|ERR, read ENODEV, ioctl ENODEV, close safe")
    func chipFile() throws {
        let f = try GpioFixture()
        let file = try f.dev.open("/dev/gpiochip0")
        #expect(try file.ioctl(GpioGetChipInfo()).lines == 4)
        try f.kernel.unbind(f.controller)
        #expect(!f.dev.contains("/dev/gpiochip0"))
        #expect(file.poll([.in]) == [.hup, .err])
        #expect(throws: FileError(.ENODEV, "")) { try file.read() }
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(GpioGetChipInfo()) }
        try file.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("line request fd: read ENODEV, poll HUP|ERR, ioctl ENODEV")
    func lineRequestFile() throws {
        let f = try GpioFixture()
        let chip = try f.dev.open("gpiochip0")
        let req = try chip.ioctl(GpioGetLineRequest(offsets: [1, 2], consumer: "test", output: true, edgeDetection: true))
        try req.ioctl(GpioLineSetValues([true, false]))
        #expect(try req.ioctl(GpioLineGetValues()) == [true, false])
        try f.kernel.unbind(f.controller)
        #expect(throws: FileError(.ENODEV, "")) { try req.read() }
        #expect(req.poll([.in]) == [.hup, .err])
        #expect(throws: FileError(.ENODEV, "")) { try req.ioctl(GpioLineGetValues()) }
        try req.close()
        try chip.close()
        #expect(f.useAfterFree.isEmpty)
        #expect(f.recorder.events(.warning).contains { $0.detail == "REMOVING GPIOCHIP WITH GPIOS STILL REQUESTED" })
    }

    @Test("a reader blocked before unbind wakes with ENODEV; unbind does not wait for it")
    func blockedReaderWakes() throws {
        let f = try GpioFixture()
        let chip = try f.dev.open("gpiochip0")
        let req = try chip.ioctl(GpioGetLineRequest(offsets: [3], consumer: "mon", edgeDetection: true))
        let result = Locked<Result<[GpioEdgeEvent], FileError>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let reader = Thread {
            let r: Result<[GpioEdgeEvent], FileError>
            do throws(FileError) { r = .success(try req.readEdgeEvents()) } catch { r = .failure(error) }
            result.withLock { $0 = r }
            finished.signal()
        }
        reader.start()
        // Unbind only once the reader sleeps on the chip's wait queue (no edge will come).
        let queue = f.gdev.cdev.waiters
        #expect(waitUntil { queue.sleepers == 1 }, "the reader never went to sleep")
        #expect(result.withLock { $0 } == nil)
        try f.kernel.unbind(f.controller)  // returns although the reader sleeps and files are open
        // A hang guard only: the wake-up must come from the unbind, whatever the load.
        #expect(finished.wait(timeout: .now() + 60) == .success, "the unbind did not wake the reader")
        guard case .failure(let e)? = result.withLock({ $0 }) else {
            Issue.record("blocked reader did not wake with an error")
            return
        }
        #expect(e.errno == .ENODEV)
        try req.close(); try chip.close()
    }

    @Test("edge events are delivered to a blocked reader and to poll")
    func edgeEvents() throws {
        let f = try GpioFixture()
        let chip = try f.dev.open("gpiochip0")
        let req = try chip.ioctl(GpioGetLineRequest(offsets: [0], consumer: "mon", edgeDetection: true))
        #expect(req.poll([.in]) == [])
        f.gdev.reportEdge(offset: 0, rising: true)
        #expect(req.poll([.in]) == [.in])
        let events = try req.readEdgeEvents()
        #expect(events.map(\.edge) == [.rising])
        try req.close(); try chip.close()
    }

    @Test("close after unbind releases the object exactly once, at the last close")
    func closeReleasesOnce() throws {
        let f = try GpioFixture()
        let a = try f.dev.open("gpiochip0")
        let b = try f.dev.open("gpiochip0")
        let cdev = f.gdev.cdev
        try f.kernel.unbind(f.controller)
        #expect(!cdev.isReleased)
        try a.close()
        #expect(!cdev.isReleased)
        try b.close()
        #expect(cdev.isReleased)
        #expect(f.recorder.events(.deviceRelease).filter { $0.objectName == "gpiochip0" }.count == 1)
        #expect(throws: FileError(.EBADF, "")) { try b.close() }
        #expect(throws: FileError(.EBADF, "")) { try b.ioctl(GpioGetChipInfo()) }
        #expect(b.poll() == .nval)
    }

    @Test("hot-unplug of the controller's parent removes the subtree while files are open")
    func unplugSubtree() throws {
        let f = try GpioFixture()
        let file = try f.dev.open("gpiochip0")
        try f.kernel.unregister(f.controller)
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(GpioGetChipInfo()) }
        #expect(f.controller.state == .deleted)  // pinned: gpiochip0 is its child
        try file.close()
        #expect(f.controller.state == .released)
    }

    @Test("rebind: a new node whose handles work, old handles stay dead")
    func rebind() throws {
        let f = try GpioFixture()
        let old = try f.dev.open("gpiochip0")
        try f.kernel.unbind(f.controller)
        try f.kernel.bind(f.controller, to: "test-gpio")
        // The old file holds gpiochip0's object, and with it its number (Linux frees the id
        // in gpiodev_release, drivers/gpio/gpiolib.c): the rebound chip is gpiochip1.
        #expect(throws: FileError(.ENOENT, "")) { try f.dev.open("gpiochip0") }
        let new = try f.dev.open("gpiochip1")
        #expect(try new.ioctl(GpioGetChipInfo()).label == "test-chip")
        #expect(throws: FileError(.ENODEV, "")) { try old.ioctl(GpioGetChipInfo()) }
        #expect(old.characterDevice !== new.characterDevice)
        try old.close(); try new.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("rebind with no file left on the old chip: its number comes back")
    func rebindReusesAFreedNumber() throws {
        let f = try GpioFixture()
        try f.dev.open("gpiochip0").close()
        try f.kernel.unbind(f.controller)
        try f.kernel.bind(f.controller, to: "test-gpio")
        let new = try f.dev.open("gpiochip0")
        #expect(try new.ioctl(GpioGetChipInfo()).label == "test-chip")
        try new.close()
    }

    @Test("in-kernel consumer descriptor: ENODEV after the provider unbinds (class P8)")
    func consumerDescriptor() throws {
        let f = try GpioFixture()
        let desc = try f.gpio.getDescriptor(chip: "gpiochip0", offset: 2, consumer: "led-driver")
        try desc.setValue(true)
        #expect(try desc.getValue())
        try f.kernel.unbind(f.controller)
        #expect(throws: FileError(.ENODEV, "")) { try desc.getValue() }
        try desc.put()
        #expect(throws: FileError(.EBADF, "")) { try desc.put() }
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("line ownership: a busy line is EBUSY, released at close")
    func lineOwnership() throws {
        let f = try GpioFixture()
        let chip = try f.dev.open("gpiochip0")
        let req = try chip.ioctl(GpioGetLineRequest(offsets: [1], consumer: "one"))
        #expect(try chip.ioctl(GpioGetLineInfo(offset: 1)).consumer == "one")
        #expect(throws: FileError(.EBUSY, "")) { try chip.ioctl(GpioGetLineRequest(offsets: [1], consumer: "two")) }
        try req.close()
        #expect(try chip.ioctl(GpioGetLineInfo(offset: 1)).consumer == nil)
        #expect(throws: FileError(.EINVAL, "")) { try chip.ioctl(GpioGetLineInfo(offset: 9)) }
        try chip.close()
    }
}
