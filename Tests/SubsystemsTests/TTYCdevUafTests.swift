import Testing
import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// gpio-cdev-uaf (tools/testing/selftests/gpio) for a tty: the UART unbinds (a USB serial
/// adapter unplugged) with /dev/ttyS0 open. The answers are the tty layer's own
/// (`hung_up_tty_fops`, drivers/tty/tty_io.c), not ENODEV.
@Suite("tty-cdev-uaf") struct TTYCdevUafTests {
    @Test("open → unbind → read 0, write/ioctl EIO, poll IN|OUT|ERR|HUP, close safe, port destroyed at the close")
    func unbindWithNodeOpen() throws {
        let f = try TTYFixture()
        let file = try f.dev.open("/dev/ttyS0")
        #expect(try file.write(Array("hi".utf8)) == 2)
        #expect(try file.read() == Array("hi".utf8))   // the loopback returned it
        let port = f.line.port
        try f.kernel.unbind(f.uart)                      // returns although the file is open
        #expect(f.dev.paths.isEmpty)
        #expect(try file.read() == [])                   // hung_up_tty_read: end of file
        #expect(throws: FileError(.EIO, "")) { try file.write([1]) }
        #expect(throws: FileError(.EIO, "")) { try file.ioctl(TiocmGet()) }
        #expect(file.poll([.in, .out]) == [.in, .out, .err, .hup])
        #expect(!port.isDestroyed)                      // the open file still pins the port
        try file.close()
        #expect(port.isDestroyed)
        #expect(throws: FileError(.EBADF, "")) { try file.close() }
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("a reader asleep on an empty tty wakes with end of file at unplug")
    func sleepingReaderWakes() async throws {
        let f = try TTYFixture()
        let file = try f.dev.open("/dev/ttyS0")
        let cdev = file.characterDevice
        let reader = Task.detached { try file.read() }
        while cdev.sleepers == 0 { await Task.yield() }
        try f.kernel.unbind(f.uart)
        #expect(try await reader.value == [])
        try file.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("tty_port_tty_hangup while bound: old opens hung up, a new open works")
    func hangupWhileBound() throws {
        let f = try TTYFixture()
        let old = try f.dev.open("/dev/ttyS0")
        f.line.port.hangup()
        #expect(try old.read() == [])
        #expect(throws: FileError(.EIO, "")) { try old.write([1]) }
        let fresh = try f.dev.open("/dev/ttyS0")
        #expect(try fresh.write([7]) == 1)
        #expect(try fresh.ioctl(TiocInq()) == 1)
        #expect(try fresh.ioctl(TiocmGet()) == SerialLoopbackDriver.modemLines)
        try old.close()
        try fresh.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("the port's destructor runs once, at unbind when no file is open")
    func destructorAtUnbind() throws {
        let f = try TTYFixture(keeping: [.deviceRelease])
        let port = f.line.port
        try f.kernel.unbind(f.uart)
        #expect(port.isDestroyed)
        #expect(f.recorder.events(.deviceRelease).filter { $0.objectName == "ttyS0-port" }.count == 1)
        try f.kernel.bind(f.uart, to: SerialLoopbackDriver.driverName)
        #expect(f.line.name == "ttyS0" && f.line.port !== port)   // a new port; the old stays dead
    }
}

/// serdev on a tty port (drivers/tty/serdev/serdev-ttyport.c): the client gets the port
/// instead of a node, and is removed before the UART's driver goes — at
/// `tty_port_unregister_device`, not at the port's destruction (the 8ee3fde047 revert).
@Suite struct SerdevTests {
    @Test("a serdev client claims the port: no node; its hello loops back; unbind removes the client first")
    func clientLifecycle() throws {
        let f = try TTYFixture(serdevClient: true)
        #expect(f.dev.paths.isEmpty)
        let line = f.line
        let client = try #require(line.serdev?.client)
        #expect(client.driverName == SerdevEchoDriver.driverName)
        let rx = try #require(try client.driverData(as: ModelMemory<[UInt8]>.self))
        #expect(try rx.get() == SerdevEchoDriver.hello)
        let handle = try #require(f.serdev.client(client))
        try f.kernel.unbind(f.uart)
        #expect(client.state == .released || !client.state.isPresent)
        #expect(throws: FileError(.ENODEV, "")) { try handle.write([1]) }   // a stale handle: ENODEV, never the driver
        #expect(line.port.isDestroyed)
        #expect(f.useAfterFree.isEmpty)
    }
}
