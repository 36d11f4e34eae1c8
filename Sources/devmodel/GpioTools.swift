import ArgumentParser
import CharDev
import Foundation
import SimHardware
import Subsystems

/// `devmodel gpio detect|info|get|set`: the libgpiod v2 tools' output shapes, through the
/// model's own `/dev/gpiochipN` files (so they exercise the same uAPI a program would).
struct Gpio: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "libgpiod-style tools on the simulated board: detect, info, get, set, mon.",
        subcommands: [Detect.self, Info.self, Get.self, Set.self, Mon.self])

    struct Detect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List GPIO chips (gpiodetect).")
        @OptionGroup var source: BoardSource

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let board = try source.board()
            for gdev in board.gpio.devices {
                let info = try GpioTool.chipInfo(board, gdev.name)
                print("\(info.name) [\(info.label)] (\(info.lines) lines)")
            }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Describe lines (gpioinfo).")
        @OptionGroup var source: BoardSource
        @Option(name: [.customShort("c"), .long], help: "Restrict to this chip (name, e.g. gpiochip0).")
        var chip: String?

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let board = try source.board()
            let chips = board.gpio.devices.map(\.name).filter { chip == nil || $0 == chip }
            guard !chips.isEmpty else { throw GpioTool.noChip(chip ?? "any") }
            for name in chips {
                let file = try GpioTool.open(board, name)
                defer { try? file.close() }
                let info = try GpioTool.call { () throws(FileError) in try file.ioctl(GpioGetChipInfo()) }
                print("\(info.name) - \(info.lines) lines:")
                for offset in 0..<info.lines {
                    let line = try GpioTool.call { () throws(FileError) in try file.ioctl(GpioGetLineInfo(offset: offset)) }
                    // libgpiod's gpioinfo prints a line without a name as a bare `unnamed`.
                    let quoted = (line.name.isEmpty ? "unnamed" : "\"\(line.name)\"").padding(toLength: 16, withPad: " ", startingAt: 0)
                    let consumer = line.consumer.map { " consumer=\"\($0)\"" } ?? ""
                    print("\tline \(String(offset).leftPadded(3)):\t\(quoted)\t\(line.output ? "output" : "input")\(consumer)")
                }
            }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read line values (gpioget).")
        @OptionGroup var source: BoardSource
        @Option(name: [.customShort("c"), .long], help: "The chip (e.g. gpiochip0; default: offsets are on gpiochip0, names are looked up on every chip).")
        var chip: String?
        @Flag(name: .long, help: "Print 0/1 instead of active/inactive.")
        var numeric = false
        @Argument(help: "Lines: names (as gpioget takes them) or offsets.")
        var lines: [String]

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let board = try source.board()
            // Offsets alone keep meaning gpiochip0, as before names were accepted.
            let chip = self.chip ?? (lines.allSatisfy { Int($0) != nil } ? "gpiochip0" : nil)
            let target = try GpioLineResolver(board: board).resolve(lines, chip: chip)
            let file = try GpioTool.open(board, target.chip)
            defer { try? file.close() }
            let request = try GpioTool.call { () throws(FileError) in
                try file.ioctl(GpioGetLineRequest(offsets: target.offsets, consumer: "gpioget"))
            }
            defer { try? request.close() }
            let values = try GpioTool.call { () throws(FileError) in try request.ioctl(GpioLineGetValues()) }
            print(zip(lines, values).map { line, value in
                numeric ? (value ? "1" : "0") : "\"\(line)\"=\(value ? "active" : "inactive")"
            }.joined(separator: " "))
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set line values (gpioset), e.g. 3=1 4=0.")
        @OptionGroup var source: BoardSource
        @Option(name: [.customShort("c"), .long], help: "The chip (e.g. gpiochip0).")
        var chip: String = "gpiochip0"
        @Argument(help: "OFFSET=VALUE pairs.")
        var assignments: [String]

        @OptionGroup var global: GlobalOptions

        func run() throws {
            var offsets: [Int] = []
            var values: [Bool] = []
            for a in assignments {
                let parts = a.split(separator: "=")
                guard parts.count == 2, let o = Int(parts[0]), let v = Int(parts[1]), v == 0 || v == 1 else {
                    throw ValidationError("expected OFFSET=0|1, got '\(a)'")
                }
                offsets.append(o)
                values.append(v == 1)
            }
            let board = try source.board()
            let file = try GpioTool.open(board, chip)
            defer { try? file.close() }
            let request = try GpioTool.call { () throws(FileError) in
                try file.ioctl(GpioGetLineRequest(offsets: offsets, consumer: "gpioset", output: true))
            }
            defer { try? request.close() }
            try GpioTool.call { () throws(FileError) in try request.ioctl(GpioLineSetValues(values)) }
            let readBack = try GpioTool.call { () throws(FileError) in try request.ioctl(GpioLineGetValues()) }
            print(zip(offsets, readBack).map { "\"\($0)\"=\($1 ? "active" : "inactive")" }.joined(separator: " "))
        }
    }
}

enum GpioTool {
    static func noChip(_ name: String) -> ValidationError { ValidationError("cannot find GPIO chip \(name)") }

    static func open(_ board: SimBoard, _ chip: String) throws -> OpenFile {
        try call { () throws(FileError) in try board.dev.open("/dev/\(chip)") }
    }

    static func chipInfo(_ board: SimBoard, _ chip: String) throws -> GpioChipInfo {
        let file = try open(board, chip)
        defer { try? file.close() }
        return try call { () throws(FileError) in try file.ioctl(GpioGetChipInfo()) }
    }

    /// Runs a uAPI call; a failure is printed the way the tools print errno and exits 1.
    static func call<R>(_ body: () throws(FileError) -> R) throws -> R {
        do {
            return try body()
        } catch {
            ScenarioFiles.printError("devmodel: \(error.message) (\(error.errno.name))")
            throw ExitCode(1)
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
