import CharDev
import DriverCore
import Instrumentation
import SimHardware
import Subsystems

/// The tty layer's documented lifetime rules as cases. The kernel has no KUnit suite for
/// tty_port or serdev (tools/testing/selftests/tty only checks timestamps), so the cases are
/// named after the functions whose behaviour they pin: drivers/tty/tty_io.c's
/// `hung_up_tty_fops`, drivers/tty/tty_port.c's `tty_port_put`/`tty_port_destructor` and
/// `tty_port_unregister_device`, drivers/tty/serdev/serdev-ttyport.c's
/// `serdev_tty_port_unregister`.
enum TTYSuites {
    /// A platform bus with a `serial-loopback` UART `uart.0` (with a serdev client when asked).
    static func uartBoard(serdev client: Bool = false) throws -> (SimBoard, TTYDriver, SerdevBus, Device) {
        let board = try SimBoard()
        let serdev = try SerdevBus(namespace: board.dev)
        let tty = TTYDriver(prefix: "ttyS", namespace: board.dev, serdev: serdev)
        try board.kernel.registerDriver(SerialLoopbackDriver(tty: tty), on: board.platform)
        try board.kernel.registerDriver(SerdevEchoDriver(serdev: serdev), on: serdev.bus)
        let uart = board.platformDevice("uart.0", compatible: ["serial-loopback"],
                                        properties: client ? ["serdev-client": SerdevEchoDriver.driverName] : [:])
        try board.kernel.register(uart)
        return (board, tty, serdev, uart)
    }

    static let errno = RevocableAndCdevSuites.errno

    static let cases: [ConformanceCase] = [
        ConformanceCase(suite: "tty-hangup", name: "hung_up_tty_read: 0 bytes after the port's driver unbinds") {
            let (board, _, _, uart) = try uartBoard()
            let file = try board.dev.open("/dev/ttyS0")
            try board.kernel.unbind(uart)
            let data = try file.read()
            try check(data.isEmpty, "read gave \(data)")
            try file.close()
        },
        ConformanceCase(suite: "tty-hangup", name: "hung_up_tty_write, hung_up_tty_ioctl: EIO") {
            let (board, _, _, uart) = try uartBoard()
            let file = try board.dev.open("/dev/ttyS0")
            try board.kernel.unbind(uart)
            try check(errno { () throws(FileError) in _ = try file.write([1]) } == .EIO, "write did not give EIO")
            try check(errno { () throws(FileError) in _ = try file.ioctl(TiocmGet()) } == .EIO, "ioctl did not give EIO")
            try file.close()
        },
        ConformanceCase(suite: "tty-hangup", name: "hung_up_tty_poll: IN|OUT|ERR|HUP") {
            let (board, _, _, uart) = try uartBoard()
            let file = try board.dev.open("/dev/ttyS0")
            try board.kernel.unbind(uart)
            let ready = file.poll([.in, .out])
            try check(ready == [.in, .out, .err, .hup], "poll gave \(ready)")
            try file.close()
        },
        ConformanceCase(suite: "tty-hangup", name: "tty_port_tty_hangup: old files hung up, a new open is not") {
            let (board, tty, _, _) = try uartBoard()
            let old = try board.dev.open("/dev/ttyS0")
            tty.lines[0].port.hangup()
            let fresh = try board.dev.open("/dev/ttyS0")
            try check(errno { () throws(FileError) in _ = try old.write([1]) } == .EIO, "the old file was not hung up")
            try check(errno { () throws(FileError) in _ = try fresh.write([1]) } == nil, "the new file was hung up")
            try old.close()
            try fresh.close()
        },
        ConformanceCase(suite: "tty-port", name: "tty_port_put: the destructor runs at the last put, after the last close") {
            let (board, tty, _, uart) = try uartBoard()
            let port = tty.lines[0].port
            let file = try board.dev.open("/dev/ttyS0")
            try board.kernel.unbind(uart)
            try check(!port.isDestroyed, "the port was destroyed under an open file")
            try file.close()
            try check(port.isDestroyed, "the port outlived its last reference")
        },
        ConformanceCase(suite: "serdev-ttyport", name: "serdev_tty_port_unregister: the client goes at unregistration; no node") {
            let (board, tty, serdev, uart) = try uartBoard(serdev: true)
            let line = tty.lines[0]
            try check(!board.dev.contains("/dev/ttyS0"), "a claimed port got a node")
            guard let controller = line.serdev, let client = serdev.client(controller.client) else {
                throw ConformanceFailure(message: "no serdev client on the port", site: CallSite())
            }
            try board.kernel.unbind(uart)
            try check(!controller.client.state.isPresent, "the client outlived the UART's unbind")
            try check(errno { () throws(FileError) in _ = try client.write([1]) } == .ENODEV, "a stale client reached the port")
            try check(line.port.isDestroyed, "the port outlived its controller")
        },
    ]
}
