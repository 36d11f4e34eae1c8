import ArgumentParser
import FaultSweep
import Foundation

extension FaultsCommand {
    /// `devmodel faults --scenario FILE`: fail-nth over the scenario's board and actors.
    func runScenario(_ path: String) throws {
        let (loaded, exit) = ScenarioFiles.loadAll([path])
        guard exit == 0, let scenario = loaded.first?.1 else { throw ExitCode(exit) }
        let result = ScenarioFaultSweep.sweep(scenario)
        if json || format == .json {
            struct Document: Encodable { var schema = "devmodel/faults-scenario@1"; let sweep: ScenarioSweepResult }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Document(sweep: result)), as: UTF8.self))
        } else {
            print(String(format: "%@: %d injectable points (%d building the board, %d in the actors), %d faults injected, swept in %.2f s",
                         result.scenario, result.points.count, result.boardPoints, result.points.count - result.boardPoints,
                         result.runs.count, result.seconds))
            for p in result.faultFreeProblems { print("  fault-free run: \(p)") }
            for run in result.runs {
                let point = run.point.split(separator: " at ").first ?? ""
                let board = run.boardError.map { " (board: \($0))" } ?? ""
                print("  fail #\(run.failAt) [\(run.phase)] \(point)\(board) → "
                      + (run.problems.isEmpty ? "clean unwind" : run.problems.joined(separator: "; ")))
            }
            if !result.neverFailed.isEmpty {
                print("  \(result.neverFailed.count) point(s) of the fault-free run never failed (racing actors reached them in another order, or named them otherwise):")
                for p in result.neverFailed { print("    \(p)") }
            }
            if result.truncated { print("  stopped at the limit of \(result.runs.count) faults before a run consumed none") }
            print(result.ok ? "SUCCESS" : "FAILURE")
        }
        if !result.ok { throw ExitCode(1) }
    }
}
