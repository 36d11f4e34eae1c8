import ArgumentParser
import CharDev
import Foundation
import ScenarioModel
import SimHardware
import Subsystems

extension Gpio {
    /// `devmodel gpio mon`: libgpiod v2's gpiomon against the simulated board, through the
    /// same uAPI a program uses (a line request with edge detection, poll, read).
    struct Mon: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait for edge events on lines (gpiomon); a simulated signal drives the edges.",
            discussion: """
            Requests the lines with edge detection on /dev/gpiochipN, polls the request and prints \
            one line per event, in libgpiod v2's default format: \
            <seconds>.<nanoseconds> TAB rising|falling TAB <line>, where <line> is the line's \
            quoted name ("led0"; --unquoted drops the quotes) or, for an unnamed line, \
            '<chip> <offset>'. Lines are names, or offsets when -c names the chip.

            The board is simulated, so a signal source plays edges through the chip's interrupt \
            path, one every --period: --drive toggle (default) pulses each line in turn, rising \
            then falling; --drive random picks a monitored line at random for each edge (the \
            same --seed, the same edges); --script '3:rising,led0:falling' plays exactly those \
            edges. Timestamps are the source's clock (edge k at k × --period), so the output is \
            reproducible. The command ends after --num-events printed events, or when the \
            source is done (toggle and random without --num-events: two edges per line). \
            -e keeps rising or falling edges only (filtered by the tool: the model's line \
            requests always detect both).
            Exit status: 0; 1 a uAPI call failed (the errno is printed); 64 usage.
            """)

        enum EdgeSelection: String, ExpressibleByArgument, CaseIterable { case rising, falling, both }
        enum Drive: String, ExpressibleByArgument, CaseIterable { case toggle, random }

        @OptionGroup var source: BoardSource
        @Option(name: [.customShort("c"), .long], help: "The chip: name (gpiochip0), number or path.")
        var chip: String?
        @Option(name: [.customShort("e"), .long], help: "Edges to report: rising, falling or both.")
        var edges: EdgeSelection = .both
        @Option(name: [.customShort("n"), .long], parsing: .unconditional, help: "Exit after this many events.")
        var numEvents: Int?
        @Flag(name: .long, help: "Print line names without quotes.")
        var unquoted = false
        @Option(name: .long, help: "The simulated signal: toggle or random (see --seed).")
        var drive: Drive = .toggle
        @Option(name: .long, help: "Play these edges instead: LINE:rising|falling,… (LINE an offset or name).")
        var script: String?
        @Option(name: .long, help: "Time between two edges of the signal (e.g. 1ms, 200us); also the timestamps' step.")
        var period: String = "1ms"
        @OptionGroup var seedOption: SeedOption
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Lines to monitor: names, or offsets with -c.")
        var lines: [String]

        func validate() throws {
            if let numEvents, numEvents < 1 { throw ValidationError("--num-events must be at least 1") }
            guard let ns = Durations.parse(period), ns > 0, ns <= 1_000_000_000 else {
                throw ValidationError("--period must be a duration between 1ns and 1s, e.g. 1ms")
            }
            if script != nil && drive != .toggle { throw ValidationError("--script and --drive cannot be combined") }
            if Swift.Set(lines).count != lines.count { throw ValidationError("a line is given twice") }
        }

        func run() throws {
            let board = try source.board()
            let target = try GpioLineResolver(board: board).resolve(lines, chip: chip)
            let file = try GpioTool.open(board, target.chip)
            defer { try? file.close() }
            let request = try GpioTool.call { () throws(FileError) in
                try file.ioctl(GpioGetLineRequest(offsets: target.offsets, consumer: "gpiomon", edgeDetection: true))
            }
            defer { try? request.close() }
            guard let device = board.gpio.device(named: target.chip) else { throw GpioTool.noChip(target.chip) }
            let plan = try self.plan(target)
            let periodNanoseconds = Durations.parse(period) ?? 1_000_000
            Diagnostics.log.info("monitoring \(target.chip) lines \(target.offsets) (\(edges.rawValue) edges), \(plan.edges.count) edges to come")
            let signal = GpioEdgeSource(plan: plan, device: device, periodNanoseconds: periodNanoseconds)
            defer { signal.stop() }
            var printed = 0
            var seen: UInt64 = 0
            while numEvents.map({ printed < $0 }) ?? true {
                let ready = request.poll([.in], timeout: 100_000_000)
                if !ready.isDisjoint(with: [.err, .hup]) {
                    ScenarioFiles.printError("devmodel: \(target.chip): the chip went away (ENODEV)")
                    throw ExitCode(1)
                }
                if !ready.contains(.in) {
                    // The source may have queued its last edge just after this poll looked.
                    if signal.isDone && request.poll([.in], timeout: 0).isEmpty { break }
                    continue
                }
                for event in try GpioTool.call({ () throws(FileError) in try request.readEdgeEvents() }) {
                    seen += 1
                    guard keeps(event.edge), numEvents.map({ printed < $0 }) ?? true else { continue }
                    print(format(event, at: seen * periodNanoseconds, target))
                    printed += 1
                }
            }
        }

        func keeps(_ edge: GpioEdgeEvent.Edge) -> Bool {
            switch edges {
            case .both: true
            case .rising: edge == .rising
            case .falling: edge == .falling
            }
        }

        /// The source's edges: enough that `--num-events` can be reached whatever `-e` drops.
        func plan(_ target: GpioLineResolver.Target) throws -> GpioEdgePlan {
            if let script {
                do {
                    return try GpioEdgePlan.script(script) { target.offset(of: $0) }
                } catch {
                    throw ValidationError("--script: \(error)")
                }
            }
            let lines = target.offsets.count
            switch drive {
            case .toggle:
                // One pulse gives one rising and one falling edge per line.
                let pulses = numEvents.map { ($0 + lines - 1) / lines } ?? 1
                return .toggle(target.offsets, pulses: pulses)
            case .random:
                // Each line alternates, so 2n + 2·lines edges hold at least n of either kind.
                let count = numEvents.map { 2 * $0 + 2 * lines } ?? 2 * lines
                return .random(target.offsets, count: count, seed: seedOption.seed)
            }
        }

        /// libgpiod v2's default event line: time, edge, then the line's name or chip+offset.
        func format(_ event: GpioEdgeEvent, at ns: UInt64, _ target: GpioLineResolver.Target) -> String {
            let time = String(format: "%llu.%09llu", ns / 1_000_000_000, ns % 1_000_000_000)
            let name = target.names[event.offset] ?? ""
            let line = name.isEmpty ? "\(target.chip) \(event.offset)" : (unquoted ? name : "\"\(name)\"")
            return "\(time)\t\(event.edge.rawValue)\t\(line)"
        }
    }
}

/// Finds the chip and offsets of `gpio mon`'s line arguments through the chips' uAPI
/// (chip info, line info), as libgpiod's tools do.
struct GpioLineResolver {
    let board: SimBoard

    struct Target {
        let chip: String
        let offsets: [Int]
        /// Line names by offset, for printing.
        let names: [Int: String]

        /// A monitored line by offset or name.
        func offset(of text: String) -> Int? {
            if let o = Int(text), offsets.contains(o) { return o }
            return names.first { $0.value == text && !text.isEmpty }?.key
        }
    }

    /// `chip` may be `gpiochipN`, `N` or `/dev/gpiochipN`. Without it every line must be a
    /// name, looked up chip by chip (the first chip that has it wins, as in libgpiod).
    func resolve(_ lines: [String], chip: String?) throws -> Target {
        let chips = try chip.map { [try canonical($0)] } ?? board.gpio.devices.map(\.name)
        var found: [(chip: String, offset: Int)] = []
        var names: [String: [Int: String]] = [:]
        for c in chips { names[c] = try lineNames(c) }
        for line in lines {
            guard !line.isEmpty else { throw ValidationError("an empty line name") }
            if chip != nil, let offset = Int(line) {
                let count = names[chips[0]]?.count ?? 0
                guard offset >= 0, offset < count else {
                    throw ValidationError("offset \(offset) is out of range on chip \(chips[0]) (\(count) lines)")
                }
                found.append((chips[0], offset))
                continue
            }
            guard let hit = chips.lazy.compactMap({ c in names[c]?.first { $0.value == line }.map { (c, $0.key) } }).first else {
                throw ValidationError("cannot find line '\(line)'\(chip == nil ? " (offsets need -c CHIP)" : "")")
            }
            found.append(hit)
        }
        guard let first = found.first, found.allSatisfy({ $0.chip == first.chip }) else {
            throw ValidationError("lines on more than one chip: monitor one chip at a time")
        }
        return Target(chip: first.chip, offsets: found.map(\.offset), names: names[first.chip] ?? [:])
    }

    private func canonical(_ chip: String) throws -> String {
        let name = chip.hasPrefix("/dev/") ? String(chip.dropFirst(5)) : (Int(chip).map { "gpiochip\($0)" } ?? chip)
        guard board.gpio.device(named: name) != nil else { throw GpioTool.noChip(chip) }
        return name
    }

    private func lineNames(_ chip: String) throws -> [Int: String] {
        let file = try GpioTool.open(board, chip)
        defer { try? file.close() }
        let info = try GpioTool.call { () throws(FileError) in try file.ioctl(GpioGetChipInfo()) }
        var names: [Int: String] = [:]
        for offset in 0..<info.lines {
            names[offset] = try GpioTool.call { () throws(FileError) in try file.ioctl(GpioGetLineInfo(offset: offset)) }.name
        }
        return names
    }
}
