import ArgumentParser
import FaultSweep
import Foundation

/// `devmodel faults`: fail-nth over every probe of the simulated board.
struct FaultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faults",
        abstract: "Fail each injectable point of each simulated driver's probe, one at a time, and check the unwind.",
        discussion: """
        For every driver: fail its 1st, 2nd, … injectable point (devres allocations and actions, \
        marked probe steps) until a probe completes without consuming the fault; after each, check \
        no leak, no double or out-of-order release (the sanitizer), the device unbound and cleanly \
        re-bindable. Then test-driver-remove mode over the whole board. \
        With --scenario FILE it sweeps that scenario instead: every injectable point reached while \
        building its board and running its actors fails once, and after each run it checks no \
        hang, no sanitizer finding, every device bound or unbound with its devres empty, a clean \
        rebind, and nothing leaked once open files are closed and the board torn down. \
        Exit status 0 all clean, 1 not, 65 invalid scenario, 66 missing file.
        """)

    @Option(name: .long, help: "Only the driver bound to this device (e.g. gpio-sim.0).")
    var device: String?

    @Option(name: .long, help: "Sweep this scenario file's board and actors instead of the built-in board's probes.")
    var scenario: String?

    @Flag(name: .long, help: "One JSON document. Same as --format json.")
    var json = false

    @Option(name: .long, help: "Output format: text or json (as for the other commands).")
    var format: TextOrJSON = .text

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if scenario != nil, device != nil { throw ValidationError("--device applies to the built-in board, not to --scenario") }
    }

    func run() throws {
        if let scenario { return try runScenario(scenario) }
        let targets = FaultSweep.boardDrivers.filter { device == nil || $0.0 == device }
        guard !targets.isEmpty else { throw ValidationError("no board device named \(device ?? "")") }
        let results = targets.map { FaultSweep.sweep(device: $0.0, driver: $0.1) }
        let tdr = device == nil ? FaultSweep.testDriverRemove() : []
        if json || format == .json {
            struct Document: Encodable { var schema = "devmodel/faults@1"; let sweeps: [SweepResult]; let testDriverRemove: [String] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Document(sweeps: results, testDriverRemove: tdr)), as: UTF8.self))
        } else {
            for r in results {
                print(String(format: "%@ (%@): %d injectable points, swept in %.3f s", r.device, r.driver, r.points.count, r.seconds))
                for run in r.runs {
                    print("  fail #\(run.failAt): \(run.point.split(separator: " at ").first ?? "") → \(run.problems.isEmpty ? "clean unwind" : run.problems.joined(separator: "; "))")
                }
            }
            if device == nil { print(tdr.isEmpty ? "test-driver-remove: every driver probed, removed and probed again" : "test-driver-remove: \(tdr)") }
            let ok = results.allSatisfy(\.ok) && tdr.isEmpty
            print(ok ? "SUCCESS" : "FAILURE")
        }
        if !(results.allSatisfy(\.ok) && tdr.isEmpty) { throw ExitCode(1) }
    }
}
