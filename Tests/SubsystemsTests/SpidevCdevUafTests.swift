import Testing
import Foundation
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// The gpio-cdev-uaf cases (tools/testing/selftests/gpio/gpio-cdev-uaf) for spidev: open `/dev/spidev0.0`, unbind the
/// controller's provider, keep using the dangling file.
@Suite("spidev-uaf") struct SpidevCdevUafTests {
    @Test("spidev works: SPI_IOC_MESSAGE, mode and speed get/set, read, write")
    func uapiWorks() throws {
        let f = try SpiFixture()
        #expect(f.dev.paths == ["/dev/spidev0.0", "/dev/spidev0.1"])
        let file = try f.dev.open("/dev/spidev0.1")
        #expect(try file.ioctl(SpiIocMessage([SPITransfer(tx: [1, 2]), .read(1)])) == [[2, 3], [1]])
        #expect(try file.write([9, 9]) == 2)
        #expect(try file.read(maxBytes: 3) == [1, 1, 1])
        #expect(try file.ioctl(SpiIocReadMode()) == .mode0)
        try file.ioctl(SpiIocWriteMode(.mode3))
        #expect(try file.ioctl(SpiIocReadMode()) == .mode3)
        #expect(throws: FileError(.EINVAL, "")) { try file.ioctl(SpiIocWriteMode(.threeWire)) }  // refused by setup
        #expect(try file.ioctl(SpiIocReadMode()) == .mode3)                                      // old mode kept
        #expect(throws: FileError(.EINVAL, "")) { try file.ioctl(SpiIocWriteMode(SPIMode(rawValue: 0x8000))) }
        #expect(try file.ioctl(SpiIocReadMaxSpeed()) == 10_000_000)
        try file.ioctl(SpiIocWriteMaxSpeed(1_000_000))
        #expect(try file.ioctl(SpiIocReadMaxSpeed()) == 1_000_000)
        #expect(throws: FileError(.EINVAL, "")) { try file.ioctl(SpiIocWriteMaxSpeed(0)) }
        #expect(throws: FileError(.EINVAL, "")) { try file.ioctl(SpiIocMessage([])) }
        #expect(throws: FileError(.EINVAL, "")) { try file.ioctl(SpiIocMessage([SPITransfer(tx: [1], length: 2)])) }
        #expect(throws: FileError(.EINVAL, "")) { try file.write([UInt8](repeating: 0, count: 4097)) }
        try file.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("open → unbind: ioctl/read/write ENODEV, poll HUP|ERR, close safe")
    func fileAfterUnbind() throws {
        let f = try SpiFixture()
        let file = try f.dev.open("spidev0.0")
        try f.kernel.unbind(f.controller)
        #expect(f.dev.paths.isEmpty)
        #expect(f.spi.controllers.isEmpty)
        #expect(file.poll([.in, .out]) == [.hup, .err])
        #expect(throws: FileError(.ENODEV, "")) { try file.read(maxBytes: 1) }
        #expect(throws: FileError(.ENODEV, "")) { try file.write([0]) }
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(SpiIocMessage([.read(1)])) }
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(SpiIocReadMode()) }
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(SpiIocWriteMaxSpeed(1)) }
        try file.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("unbind returns while files are open; the last close releases each object exactly once")
    func closeReleasesOnce() throws {
        let f = try SpiFixture()
        let a = try f.dev.open("spidev0.0")
        let b = try f.dev.open("spidev0.0")
        let c = try f.dev.open("spidev0.1")
        guard let spidev = f.spi.controller(busNumber: 0)?.spidevs.first else { Issue.record("no spidev"); return }
        try f.kernel.unbind(f.controller)
        #expect(f.controller.state != .bound)
        #expect(!spidev.isReleased)
        #expect(f.releases(of: "spidev0.1") == 0)
        try a.close()
        #expect(!spidev.isReleased)
        try b.close()
        #expect(spidev.isReleased)
        try c.close()
        #expect(f.releases(of: "spidev0.0") == 1)
        #expect(f.releases(of: "spidev0.1") == 1)
        #expect(throws: FileError(.EBADF, "")) { try b.close() }
        #expect(throws: FileError(.EBADF, "")) { try b.ioctl(SpiIocReadMode()) }
        #expect(b.poll() == .nval)
    }

    @Test("hot-unplug of the controller removes the subtree while files are open")
    func unplugSubtree() throws {
        let f = try SpiFixture()
        let file = try f.dev.open("spidev0.0")
        try f.kernel.unregister(f.controller)
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(SpiIocReadMode()) }
        #expect(f.controller.state == .deleted)  // pinned: spidev0.0 is its child
        try file.close()
        #expect(f.controller.state == .released)
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("rebind: a new spidev0.0 whose handles work, old handles stay dead; settings start fresh")
    func rebind() throws {
        let f = try SpiFixture()
        let old = try f.dev.open("spidev0.0")
        try old.ioctl(SpiIocWriteMode(.mode3))
        try f.kernel.unbind(f.controller)
        try f.kernel.bind(f.controller, to: "sim-spi")
        let new = try f.dev.open("spidev0.0")
        #expect(try new.ioctl(SpiIocReadMode()) == .mode0)  // nothing carried over (P11)
        #expect(try new.ioctl(SpiIocMessage([SPITransfer(tx: [5])])) == [[5]])
        #expect(throws: FileError(.ENODEV, "")) { try old.ioctl(SpiIocReadMode()) }
        #expect(old.characterDevice !== new.characterDevice)
        try old.close(); try new.close()
        #expect(f.useAfterFree.isEmpty)
    }
}
