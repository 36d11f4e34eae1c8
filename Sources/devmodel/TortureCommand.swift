import ArgumentParser
import Foundation
import Torture

/// `devmodel torture`: rcutorture for the driver model.
struct TortureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torture",
        abstract: "Stress every subsystem on real threads while controllers are unbound and rebound.",
        discussion: """
        Readers loop open → calls → close on the subsystems — /dev/gpiochip0, /dev/i2c-0, \
        /dev/spidev0.N, /dev/watchdog0, the misc pipe /dev/torture-pipe, /dev/ttyS0, /dev/mmcblk0, \
        eth0 through a socket, /dev/hidg0, /dev/dri/card0 (and the HDMI hot-plug interrupt in \
        drm_dev_enter), /dev/video0 and /dev/media0 — and on \
        /dev/torture-gen0, and access the torture device's data as an in-kernel consumer; writers \
        unbind and rebind the controllers with random stutter (one rebind in five through \
        driver_override) and hot-unplug and replug the USB device; the sanitizer watches. The torture \
        device's data carries a generation bumped at every bind: an access that observed a \
        generation whose revoke had completed is a failure, counted in the pipe histogram \
        (rcutorture's "Reader Pipe": bucket N = N revokes completed since the observed \
        generation; only bucket 0 is correct). A stat line every second, the unbind latency \
        percentiles, the end-of-run leak check, and a last line SUCCESS or FAILURE. \
        --broken fence|refcount|cdev (repeatable) adds a negative control that must make it fail, \
        like the kernel's rcu_busted: a fence whose revoke does not wait, a refcount whose final \
        put skips the release, a character device without revocation. \
        With --scenario FILE it tortures that scenario instead: its actors run concurrently on \
        real threads again and again, each iteration on a fresh board with the sanitizer \
        attached (every other iteration with random stutter before each step); a failure is a \
        finding, a hang, or a step outcome outside the step's expect errno and its label's \
        reachable outcomes. Exit status 0 SUCCESS, 1 FAILURE, 65 invalid scenario, 66 missing file.
        """)

    @Option(name: [.customLong("duration"), .customLong("seconds")], parsing: .unconditional,
            help: "How long to run: a duration (5s, 500ms; a bare number is seconds).")
    var duration = SecondsArgument(seconds: 5)

    @Option(name: .long, help: "Torture this scenario file's actors instead of the built-in board.")
    var scenario: String?

    @Option(name: .long, parsing: .unconditional, help: "With --scenario: stop after this many iterations instead of after --duration.")
    var iterations: Int?

    @Option(name: .long, parsing: .unconditional, help: "Reader threads (built-in board; default 3).")
    var threads: Int?

    @Option(name: .long, parsing: .unconditional, help: "Writer threads (built-in board; default 1).")
    var writers: Int?

    @Option(name: [.customLong("stutter"), .customLong("stutter-us")], parsing: .unconditional,
            help: "Maximum random pause between an unbind and its rebind, or with --scenario before each step: a duration (200us; a bare number is microseconds; 0: none).")
    var stutter = MicrosecondsArgument(microseconds: 200)

    @Option(name: .long, help: "Add a negative control (repeatable): fence, refcount or cdev.")
    var broken: [NegativeControl] = []

    @Option(name: .long, parsing: .unconditional, help: "Time between stat lines: a duration (1s, 250ms; a bare number is seconds).")
    var statInterval = SecondsArgument(seconds: 1)

    @Flag(name: .long, help: "Print the report as JSON (after the stat lines, which go to stderr). Same as --format json.")
    var json = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, ktap }

    @Option(name: .long, help: "Report format: text, json or ktap (KTAP version 1: a test per property the run must keep).")
    var format: Format = .text

    @OptionGroup var seedOption: SeedOption

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard duration.seconds > 0 else { throw ValidationError("--duration must be positive, e.g. 5s") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
        if let writers, writers < 1 { throw ValidationError("--writers must be at least 1, not \(writers)") }
        guard statInterval.seconds > 0 else { throw ValidationError("--stat-interval must be positive, e.g. 1s") }
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1, not \(iterations)") }
        if scenario == nil, iterations != nil { throw ValidationError("--iterations needs --scenario") }
        if scenario != nil, threads != nil || writers != nil || !broken.isEmpty {
            throw ValidationError("--threads, --writers and --broken apply to the built-in board, not to --scenario")
        }
    }

    func run() throws {
        if let scenario { return try runScenario(scenario) }
        var options = TortureOptions()
        options.seconds = duration.seconds
        options.readers = threads ?? options.readers
        options.writers = writers ?? options.writers
        options.seed = seedOption.seed
        options.stutterMicroseconds = stutter.microseconds
        options.broken = Set(broken)
        options.statInterval = statInterval.seconds
        let report = Torture.run(options, stat: Self.statLine)
        if try !printMachineReadable(report, ktap: report.ktap) {
            let outcomes = report.outcomes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print(String(format: "torture: %.1f s, %d reader rounds (%@), %d unbinds (%d through driver_override), %d USB replugs",
                         report.seconds, report.operations, outcomes, report.unbinds, report.overrides, report.replugs))
            print("torture: \(report.generations) generations of torture-gen data; pipe: \(report.pipe) "
                  + "(\(report.pipe.accesses) accesses, \(report.pipe.failures) saw a completed revoke)")
            print(String(format: "torture: unbind latency p50 %.0f µs, p99 %.0f µs, max %.0f µs; %d stall(s) over %.0f ms",
                         report.unbindP50, report.unbindP99, report.unbindMax, report.stalls, report.stallThreshold / 1000))
            print(report.leakCheck ? "torture: board torn down, leak check done"
                                   : "torture: leak check skipped (threads did not return)")
            for f in report.failures { print("torture: FAIL \(f)") }
            print(report.success ? "SUCCESS" : "FAILURE")
        }
        if !report.success { throw ExitCode(1) }
    }
}

extension TortureCommand {
    /// Where stat lines go: stderr, as progress (-q leaves only the report).
    static let statLine: @Sendable (String) -> Void = { line in
        if !Diagnostics.quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// Prints `report` as KTAP or JSON if one was asked for; false when the text is wanted.
    func printMachineReadable(_ report: some Encodable, ktap: @autoclosure () -> String) throws -> Bool {
        if format == .ktap {
            print(ktap(), terminator: "")
        } else if json || format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            return false
        }
        return true
    }
}

extension NegativeControl: ExpressibleByArgument {}
