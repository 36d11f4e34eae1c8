import CharDev
import Instrumentation
import SimHardware
import Subsystems

/// One reader round on one subsystem: open its node, make the calls a program would, close.
/// Returns "OK" or the errno name of the first call that failed.
enum Reader {
    /// What a device that vanished under a program may answer; anything else is a failure.
    static let acceptable: Set<String> = ["OK", "ENODEV", "ENOENT"]

    static func round(_ board: SimBoard, reader: Int, rng: inout SplitMix64, broken: Bool) -> String {
        let choices = broken ? 4 : 3
        do throws(FileError) {
            switch Int(rng.next() % UInt64(choices)) {
            case 0:
                let chip = try board.dev.open("/dev/gpiochip0")
                defer { try? chip.close() }
                let offset = reader % 8
                let req = try chip.ioctl(GpioGetLineRequest(offsets: [offset], consumer: "torture\(reader)", output: true))
                defer { try? req.close() }
                try req.ioctl(GpioLineSetValues([rng.next() & 1 == 1]))
                _ = try req.ioctl(GpioLineGetValues())
                _ = req.poll()
            case 1:
                let file = try board.dev.open("/dev/i2c-0")
                defer { try? file.close() }
                try file.ioctl(I2CSetSlaveForce(0x50))
                _ = try file.write([UInt8(reader % 16), UInt8(truncatingIfNeeded: rng.next())])
                _ = try file.read(maxBytes: 1)
            case 2:
                let file = try board.dev.open("/dev/spidev0.\(reader % 2)")
                defer { try? file.close() }
                _ = try file.ioctl(SpiIocMessage([SPITransfer(tx: [1, 2, 3])]))
            default:
                let file = try board.dev.open("/dev/legacy-echo0")
                defer { try? file.close() }
                _ = try file.write([1, 2, 3])
            }
            return "OK"
        } catch {
            // Two readers on one GPIO line, or a line still held by a request being closed.
            if error.errno == .EBUSY { return "OK" }
            return error.errno.name
        }
    }
}
