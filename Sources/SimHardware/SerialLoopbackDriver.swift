import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// `serial-loopback`: a UART whose TX is wired to its RX (an 8250 with MCR loopback set), so
/// what a program writes to `/dev/ttyS<n>` comes back to be read. Its register cache (bytes
/// sent, modem lines) is devres memory, as a real driver's private data is: a call that
/// reached it after unbind would be a use after free the sanitizer reports. With a
/// `serdev-client` property the port is claimed by a serdev client of that name instead of
/// getting a node (as firmware describing a chip on the UART makes the kernel do).
public final class SerialLoopbackDriver: DeviceDriver {
    public static let driverName = "serial-loopback"
    /// TIOCM_DSR | TIOCM_CTS | TIOCM_CAR: what the loopback wiring reports.
    public static let modemLines = 0x100 | 0x020 | 0x040
    public let name = driverName
    public let idTable = ["serial-loopback"]
    let tty: TTYDriver
    public init(tty: TTYDriver) { self.tty = tty }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let client = (try? device.device.property("serdev-client")) ?? nil
        try ProbeError.mapping {
            let registers = try device.devres.alloc(0, name: "devm_kzalloc(uart)")
            let ops = SerialLoopbackOps(registers: registers)
            try tty.registerPort(ops, provider: device, serdev: client)
        }
    }
}

/// The port operations of `serial-loopback`.
final class SerialLoopbackOps: TTYPortOperations {
    let registers: ModelMemory<Int>
    init(registers: ModelMemory<Int>) { self.registers = registers }

    private func touch(_ count: Int = 0) throws(FileError) {
        do { try registers.write { $0 += count } } catch { throw FileError(.EIO, "\(error)") }
    }

    func activate() throws(FileError) { try touch() }
    func shutdown() { try? touch() }

    /// Transmits `data`, which the loopback wiring receives at once.
    func write(_ data: [UInt8], port: TTYPort) throws(FileError) -> Int {
        try touch(data.count)
        port.receive(data)
        return data.count
    }

    func modemLines() throws(FileError) -> Int {
        try touch()
        return SerialLoopbackDriver.modemLines
    }
}

/// `serdev-echo`: a serdev client (a chip on a UART): at probe it opens the port and sends a
/// hello that the loopback returns into its receive buffer (devres memory); at remove it closes
/// the port. `receivedBytes` is what it got, for tests.
public final class SerdevEchoDriver: DeviceDriver {
    public static let driverName = "serdev-echo"
    public static let hello: [UInt8] = Array("AT\r".utf8)
    public let name = driverName
    public let idTable = ["serdev-echo"]
    let serdev: SerdevBus
    public init(serdev: SerdevBus) { self.serdev = serdev }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        guard let client = serdev.client(device.device) else { throw .failed(.ENODEV, "not a serdev client") }
        try ProbeError.mapping {
            let received = try device.devres.alloc([UInt8](), name: "devm_kzalloc(rx)")
            try client.open { data in _ = try? received.write { $0.append(contentsOf: data) } }
            try device.devres.addActionOrReset(ActionKey("serdev_device_close")) { client.close() }
            _ = try client.write(Self.hello)
            try device.setDriverData(received)
        }
    }
}
