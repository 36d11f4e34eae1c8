import ArgumentParser
import CharDev
import Foundation
import SimHardware
import Subsystems

/// `devmodel i2c detect BUS`: i2cdetect's address grid, probing through `/dev/i2c-N`.
struct I2c: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "i2c-tools on the simulated board: detect.",
        subcommands: [Detect.self])

    struct Detect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan an I2C bus (i2cdetect -y N): '--' no answer, hex address where a device ACKs, 'UU' in use.")
        @OptionGroup var source: BoardSource
        // i2cdetect users type -y out of habit; there is no confirmation prompt to skip here.
        @Flag(name: .customShort("y"), help: "Accepted as i2cdetect takes it (no confirmation prompt is ever shown).")
        var yes = false
        @Argument(help: "The bus number (the N of /dev/i2c-N).")
        var bus: Int

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let board = try source.board()
            let file = try GpioTool.call { () throws(FileError) in try board.dev.open("/dev/i2c-\(bus)") }
            defer { try? file.close() }
            print("    " + (0..<16).map { String($0, radix: 16).leftPadded(2) }.joined(separator: " "))
            for row in stride(from: 0, to: 0x80, by: 0x10) {
                var cells: [String] = []
                for address in row..<(row + 16) {
                    // i2cdetect's default range is 0x03...0x77.
                    guard address >= 0x03, address <= 0x77 else { cells.append("  "); continue }
                    cells.append(probe(file, UInt16(address)))
                }
                print(String(format: "%02x:", row) + " " + cells.joined(separator: " "))
            }
        }

        /// Selecting an address a kernel driver owns is EBUSY ("UU"); a device that ACKs a
        /// one-byte read shows its address.
        func probe(_ file: OpenFile, _ address: UInt16) -> String {
            do {
                try file.ioctl(I2CSetSlave(address))
            } catch {
                return error.errno == .EBUSY ? "UU" : "--"
            }
            do {
                _ = try file.ioctl(I2CReadWrite([.read(address, count: 1)]))
                return String(format: "%02x", address)
            } catch {
                return "--"
            }
        }
    }
}
