import ArgumentParser
import Foundation
import Scenarios

/// Exit codes of the scenario commands (sysexits where one fits).
enum ScenarioExit {
    static let failures: Int32 = 1
    static let invalidScenario: Int32 = 65
    static let missingInput: Int32 = 66
    static let internalError: Int32 = 70
}

/// Loading scenario files for `run` and `check`: diagnostics on stderr, never a crash.
enum ScenarioFiles {
    enum LoadError: Error {
        case missing(String)
        case invalid(ScenarioError)
    }

    static func load(_ path: String) -> Result<Scenario, LoadError> {
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(.missing(path)) }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(.invalid(ScenarioError([ScenarioDiagnostic(file: path, location: .init(line: 1, column: 1),
                                                                       message: "not UTF-8 text")])))
        }
        do {
            return .success(try ScenarioParser.parse(text, file: path))
        } catch {
            return .failure(.invalid(error))
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Loads every file; prints problems; returns the scenarios and the worst exit code so far.
    static func loadAll(_ paths: [String]) -> (scenarios: [(String, Scenario)], exit: Int32) {
        var out: [(String, Scenario)] = []
        var exit: Int32 = 0
        for path in paths {
            switch load(path) {
            case .success(let s): out.append((path, s))
            case .failure(.missing(let p)):
                printError("devmodel: \(p): no such file")
                exit = max(exit, ScenarioExit.missingInput)
            case .failure(.invalid(let e)):
                printError(e.description)
                exit = max(exit, ScenarioExit.invalidScenario)
            }
        }
        return (out, exit)
    }
}

/// `devmodel check SCENARIO…`: validates files without running them.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate scenario files without running them.",
        discussion: """
        Every problem is printed as file:line:col: error: message, with the offending line. \
        Exit status: 0 all valid, 65 some file is not a valid scenario, 66 some file is missing.
        """)

    @Argument(help: "Scenario files (YAML or JSON with 'schema: devmodel/scenario@1').")
    var scenarios: [String]

    func run() throws {
        let (loaded, exit) = ScenarioFiles.loadAll(scenarios)
        for (path, s) in loaded { print("\(path): ok (\(s.name): \(s.actors.count) actors)") }
        if exit != 0 { throw ExitCode(exit) }
    }
}

/// `devmodel run SCENARIO…`: runs scenarios and reports.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run scenario files against the simulated kernel and check their expectations.",
        discussion: """
        Each scenario builds its board on a fresh kernel and runs its actors on real threads. \
        Text output has the sections setup, steps, events, expectations and findings and ends \
        with 'N passed, N failed'. A hang is a finding, found by the scenario's watchdog.
        Exit status: 0 all expectations met, 1 failures or findings, 65 invalid scenario, \
        66 missing input, 70 internal error.
        """)

    @Argument(help: "Scenario files.")
    var scenarios: [String]

    @Flag(name: .long, help: "Print one JSON document (schema devmodel/runs@1; times in integer ns).")
    var json = false

    @Flag(name: .long, help: "Leave the events section out of the text report.")
    var noEvents = false

    func run() throws {
        let (loaded, loadExit) = ScenarioFiles.loadAll(scenarios)
        if loadExit != 0 { throw ExitCode(loadExit) }
        let results = loaded.map { ScenarioRunner.run($0.1) }
        if json {
            guard let text = try? ReportJSON.render(results) else { throw ExitCode(ScenarioExit.internalError) }
            print(text)
        } else {
            print(results.map { ReportText.render($0, events: !noEvents) }.joined(separator: "\n\n"))
            if results.count > 1 {
                print("\n\(results.reduce(0) { $0 + $1.passed }) passed, \(results.reduce(0) { $0 + $1.failed }) failed in \(results.count) scenarios")
            }
        }
        // Findings fail a run unless the scenario states how many it expects (a negative control).
        let failed = zip(loaded, results).contains { pair, result in
            !result.ok || (!result.findings.isEmpty && pair.1.expect.findings == nil)
        }
        if failed { throw ExitCode(ScenarioExit.failures) }
    }
}
