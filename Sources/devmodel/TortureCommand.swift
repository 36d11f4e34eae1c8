import ArgumentParser
import Foundation
import Torture

/// `devmodel torture`: rcutorture for the driver model.
struct TortureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torture",
        abstract: "Stress every subsystem on real threads while controllers are unbound and rebound.",
        discussion: """
        Readers loop open → calls → close on /dev/gpiochip0, /dev/i2c-0 and /dev/spidev0.N; writers \
        unbind and rebind the controllers with random stutter; the sanitizer watches. A stat line \
        every second, the unbind latency percentiles, and a last line SUCCESS or FAILURE. \
        --broken cdev adds a character device without revocation, which must make it fail \
        (a negative control, like the kernel's rcu_busted). Exit status 0 SUCCESS, 1 FAILURE.
        """)

    @Option(name: .long, help: "How long to run, in seconds.")
    var duration: Double = 5

    @Option(name: .long, help: "Reader threads.")
    var threads: Int = 3

    @Option(name: .long, help: "Writer threads.")
    var writers: Int = 1

    @Option(name: .long, help: "Maximum random pause between an unbind and its rebind, in microseconds (0: none).")
    var stutter: Int = 200

    @Option(name: .long, help: "Add a negative control: 'cdev' (a character device without revocation).")
    var broken: String?

    @Flag(name: .long, help: "Print the report as JSON (after the stat lines, which go to stderr).")
    var json = false

    @OptionGroup var seedOption: SeedOption

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard duration > 0, threads >= 1, writers >= 1 else { throw ValidationError("duration, threads and writers must be positive") }
        if let broken, broken != "cdev" { throw ValidationError("--broken: only 'cdev' is available") }
    }

    func run() throws {
        var options = TortureOptions()
        options.seconds = duration
        options.readers = threads
        options.writers = writers
        options.seed = seedOption.seed
        options.stutterMicroseconds = stutter
        options.brokenCdev = broken == "cdev"
        let quiet = Diagnostics.quiet
        let report = Torture.run(options) { line in
            // The per-second stat lines are progress: -q leaves only the report.
            if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            let outcomes = report.outcomes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print(String(format: "torture: %.1f s, %d reader rounds (%@), %d unbinds", report.seconds, report.operations, outcomes, report.unbinds))
            print(String(format: "torture: unbind latency p50 %.0f µs, p99 %.0f µs, max %.0f µs; %d stall(s) over %.0f ms",
                         report.unbindP50, report.unbindP99, report.unbindMax, report.stalls, report.stallThreshold / 1000))
            for f in report.failures { print("torture: FAIL \(f)") }
            print(report.success ? "SUCCESS" : "FAILURE")
        }
        if !report.success { throw ExitCode(1) }
    }
}
