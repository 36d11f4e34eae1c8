import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// gpio-cdev-uaf's shape for net devices: a socket open → unbind → every call → close.
@Suite("netdev-socket-uaf") struct NetDeviceUafTests {
    @Test("socket ioctls and sends reach the driver while bound; after unbind ENODEV/ENXIO, poll ERR, close safe",
          arguments: [false, true])
    func unbindWithSocketsOpen(classic: Bool) throws {
        let f = try NetFixture(classic: classic)
        let s = try f.net.socket()
        let p = try f.net.socket(bindTo: "eth0")
        try s.ioctl(SiocSIFFlags(ifname: "eth0", up: true))
        #expect(try s.ioctl(SiocGIFFlags(ifname: "eth0")).contains(.up))
        #expect(try p.write([1, 2, 3]) == 3)
        let netdev = try #require(f.eth0)
        try f.kernel.unbind(f.controller)                 // returns with both sockets open
        #expect(f.net.devices.isEmpty && netdev.registrationState == .freed)
        #expect(throws: FileError(.ENODEV, "")) { try s.ioctl(SiocGIFFlags(ifname: "eth0")) }
        #expect(throws: FileError(.ENODEV, "")) { try s.ioctl(SiocSIFFlags(ifname: "eth0", up: false)) }
        #expect(throws: FileError(.ENODEV, "")) { try s.ioctl(SiocGIFIndex(ifname: "eth0")) }
        #expect(throws: FileError(.ENXIO, "")) { try p.write([4]) }
        #expect(p.poll([.out]).contains(.err))
        try s.close()
        try p.close()
        #expect(netdev.isReleased)                         // the priv went with the netdev
        #expect(f.useAfterFree.isEmpty)
        #expect(f.warnings.isEmpty)
    }

    @Test("a rebind registers a new eth0 that old sockets reach by name; the bound socket stays dead")
    func rebind() throws {
        let f = try NetFixture()
        let s = try f.net.socket()
        let p = try f.net.socket(bindTo: "eth0")
        try f.kernel.unbind(f.controller)
        try f.kernel.bind(f.controller, to: "sim-eth")
        try s.ioctl(SiocSIFFlags(ifname: "eth0", up: true))
        #expect(try s.ioctl(SiocGIFIndex(ifname: "eth0")) == 3)
        #expect(throws: FileError(.ENXIO, "")) { try p.write([4]) }
        try s.close()
        try p.close()
        #expect(f.useAfterFree.isEmpty)
    }
}
