import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// The watchdog uAPI behaviour that matters for lifetime (drivers/watchdog/watchdog_dev.c):
/// single open, keep-alive, magic close, nowayout, timeouts — on a simulated clock.
@Suite("watchdog uAPI") struct WatchdogUapiTests {
    @Test("open starts the watchdog; single opener across /dev/watchdog0 and /dev/watchdog")
    func singleOpener() throws {
        let f = try WatchdogFixture()
        #expect(f.dev.paths == ["/dev/watchdog", "/dev/watchdog0"])
        #expect(!f.hardware.running)
        let file = try f.dev.open("/dev/watchdog0")
        #expect(f.hardware.running && f.wdog.isOpen)
        #expect(throws: FileError(.EBUSY, "")) { try f.dev.open("/dev/watchdog0") }
        #expect(throws: FileError(.EBUSY, "")) { try f.dev.open("/dev/watchdog") }
        #expect(file.poll([.in, .out]) == [.out])
        _ = try file.write(Array("V".utf8))
        try file.close()
        #expect(!f.hardware.running && !f.wdog.isOpen)
        try f.dev.open("/dev/watchdog").close()  // reopenable; no 'V' but magic close was consumed
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("keep-alives hold off expiry; silence for a whole timeout means reboot")
    func keepaliveAndExpiry() throws {
        let f = try WatchdogFixture()
        let file = try f.dev.open("watchdog0")
        for _ in 0..<5 {
            f.clock.advance(by: 9)
            #expect(!f.hardware.rebootPending)
            #expect(try file.write([0x00]) == 1)
        }
        f.clock.advance(by: 9)
        try file.ioctl(WdiocKeepalive())
        f.clock.advance(by: 9)
        #expect(!f.hardware.rebootPending)
        f.clock.advance(by: 1)
        #expect(f.hardware.rebootPending)
        _ = try file.write(Array("V".utf8))
        try file.close()
    }

    @Test("close without the magic 'V' leaves it running (it then expires); a later write disarms")
    func magicClose() throws {
        let f = try WatchdogFixture()
        var file = try f.dev.open("watchdog0")
        try file.close()
        #expect(f.hardware.running)
        #expect(f.recorder.events(.warning).contains { $0.detail == "watchdog did not stop!" })
        f.clock.advance(by: 10)
        #expect(f.hardware.rebootPending)

        file = try f.dev.open("watchdog0")  // restarts the countdown: still active, pinged
        #expect(!f.hardware.rebootPending)
        _ = try file.write(Array("xxVxx".utf8))
        #expect(f.wdog.magicCloseArmed)
        #expect(try file.ioctl(WdiocGetStatus()).contains(.magicClose))
        _ = try file.write(Array("no magic".utf8))
        #expect(!f.wdog.magicCloseArmed)
        try file.close()
        #expect(f.hardware.running)

        file = try f.dev.open("watchdog0")
        _ = try file.write(Array("V".utf8))
        try file.close()
        #expect(!f.hardware.running)
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("nowayout: even a magic close cannot stop it")
    func nowayout() throws {
        let f = try WatchdogFixture(config: WatchdogConfig(timeout: 10, nowayout: true))
        let file = try f.dev.open("watchdog0")
        _ = try file.write(Array("V".utf8))
        try file.close()
        #expect(f.hardware.running)
        f.clock.advance(by: 10)
        #expect(f.hardware.rebootPending)
    }

    @Test("without WDIOF_MAGICCLOSE, close always stops")
    func noMagicCloseOption() throws {
        let f = try WatchdogFixture(options: [.keepalivePing])
        try f.dev.open("watchdog0").close()
        #expect(!f.hardware.running)
    }

    @Test("ioctls: timeouts with bounds, status bits, support, unsupported requests")
    func ioctls() throws {
        let f = try WatchdogFixture()
        let file = try f.dev.open("watchdog0")
        #expect(try file.ioctl(WdiocGetSupport()).identity == "test-wdt")
        #expect(try file.ioctl(WdiocGetTimeout()) == 10)
        #expect(try file.ioctl(WdiocSetTimeout(20)) == 20)
        #expect(f.hardware.timeout == 20)
        #expect(try file.ioctl(WdiocGetTimeout()) == 20)
        #expect(throws: FileError(.EINVAL, "")) { try file.ioctl(WdiocSetTimeout(0)) }
        #expect(throws: FileError(.EINVAL, "")) { try file.ioctl(WdiocSetTimeout(61)) }
        #expect(try file.ioctl(WdiocGetStatus()).contains(.keepalivePing))
        #expect(try file.ioctl(WdiocGetStatus()) == [])          // read clears it
        try file.ioctl(WdiocKeepalive())
        #expect(try file.ioctl(WdiocGetStatus()) == [.keepalivePing])
        #expect(throws: FileError(.ENOTTY, "")) { try file.ioctl(GpioGetChipInfo()) }
        #expect(throws: FileError(.EINVAL, "")) { try file.read() }
        _ = try file.write(Array("V".utf8))
        try file.close()

        let g = try WatchdogFixture(options: [.magicClose])
        let h = try g.dev.open("watchdog0")
        #expect(throws: FileError(.EOPNOTSUPP, "")) { try h.ioctl(WdiocKeepalive()) }
        #expect(throws: FileError(.EOPNOTSUPP, "")) { try h.ioctl(WdiocSetTimeout(5)) }
        try h.close()
    }
}
