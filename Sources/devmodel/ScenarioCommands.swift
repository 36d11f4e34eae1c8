import ArgumentParser
import Foundation
import ScenarioExecution
import ScenarioModel
import ScenarioReports

/// Exit codes of the scenario commands (sysexits where one fits).
enum ScenarioExit {
    static let failures: Int32 = 1
    static let internalError: Int32 = 70
}

/// Loading scenario files for `run` and `check`: diagnostics on stderr, never a crash.
enum ScenarioFiles {
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Loads every file; prints problems; returns the scenarios and the worst exit code so far.
    static func loadAll(_ paths: [String]) -> (scenarios: [(String, Scenario)], exit: Int32) {
        var out: [(String, Scenario)] = []
        var exit: Int32 = 0
        for path in paths {
            do {
                let s = try ScenarioFile.load(path)
                Diagnostics.log.debug("loaded \(path): scenario '\(s.name)', \(s.actors.count) actors, \(s.actors.reduce(0) { $0 + $1.steps.count }) steps")
                out.append((path, s))
            } catch {
                printError(error.description)
                exit = max(exit, error.exitCode)
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

    @OptionGroup var global: GlobalOptions

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
        with 'N passed, N failed'. A hang is a finding, found by the scenario's watchdog. \
        --repeat and --shard i/n split the jobs (scenario × repetition) deterministically, so a CI \
        matrix can spread them; 'devmodel merge' joins the --json results again.
        Exit status: 0 all expectations met, 1 failures or findings, 4 no job in this shard, \
        65 invalid scenario, 66 missing input, 70 internal error, 124 --deadline reached, \
        130 interrupted (Ctrl-C: the running job finishes, the partial summary and how to resume \
        are printed).
        """)

    @Argument(help: "Scenario files.")
    var scenarios: [String]

    @Flag(name: .long, help: "Print one JSON document (schema devmodel/runs@1; times in integer ns). Same as --format json.")
    var json = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, ktap, perfetto, svg }

    @Option(name: .long, help: "Output format: text, json, ktap (KTAP version 1, one subtest per scenario), perfetto (Chrome/Perfetto trace JSON for ui.perfetto.dev) or svg (a lane timeline per scenario).")
    var format: Format = .text

    @Flag(name: .long, help: "Leave the events section out of the text report.")
    var noEvents = false

    @Option(name: .long, help: "Watchdog per scenario (e.g. 500ms, 5s), overriding the file's 'timeout'.")
    var timeout: String?

    @Option(name: .long, parsing: .unconditional, help: "Run every scenario N times.")
    var `repeat`: Int = 1

    @Option(name: .long, help: "Run only shard i of n (1-based, e.g. 2/4): job k goes to shard k mod n.")
    var shard: Shard?

    @Option(name: [.short, .long], help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "A deadline for the whole command (e.g. 30s): stop after the running job, report what ran, exit 124.")
    var deadline: String?

    @Option(name: .long, parsing: .unconditional, help: "Skip the first N jobs (to resume an interrupted run).")
    var skip: Int = 0

    @Option(name: .long, help: "Colour the text report: auto (a terminal, unless NO_COLOR is set), always, never.")
    var color: ColorMode = .auto

    @Option(name: .long, help: "Progress on stderr: auto (a redrawn line on a terminal, a status line every 10 s otherwise), always, never.")
    var progress: ProgressMode = .auto

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard skip >= 0 else { throw ValidationError("--skip must not be negative, not \(skip)") }
    }

    func run() throws {
        var override: UInt64?
        if let timeout {
            guard let ns = Durations.parse(timeout) else { throw ValidationError("--timeout: not a duration: \(timeout)") }
            override = ns
        }
        let (loaded, loadExit) = ScenarioFiles.loadAll(scenarios)
        if loadExit != 0 { throw ExitCode(loadExit) }
        var jobs: [Scenario] = []
        for (_, scenario) in loaded {
            for _ in 0..<`repeat` {
                var s = scenario
                if let override { s.timeoutNanoseconds = override }
                jobs.append(s)
            }
        }
        if let shard { jobs = jobs.enumerated().filter { shard.contains($0.offset) }.map(\.element) }
        guard !jobs.isEmpty else {
            ScenarioFiles.printError("devmodel: no job in this shard")
            throw ExitCode(4)
        }
        let total = jobs.count
        jobs = Array(jobs.dropFirst(min(skip, jobs.count)))
        var deadlineNanoseconds: UInt64?
        if let deadline {
            guard let ns = Durations.parse(deadline) else { throw ValidationError("--deadline: not a duration: \(deadline)") }
            deadlineNanoseconds = ns
        }
        let interrupt = Interrupt.install()
        let started = DispatchTime.now().uptimeNanoseconds
        let meter = ProgressMeter(total: jobs.count, mode: progress)
        var results: [RunResult] = []
        var stoppedBy: Int32?
        for job in jobs {
            if interrupt.fired { stoppedBy = 130; break }
            if let limit = deadlineNanoseconds, DispatchTime.now().uptimeNanoseconds - started >= limit { stoppedBy = 124; break }
            Diagnostics.log.info("running \(job.name)")
            let result = ScenarioRunner.run(job)
            RunLog.record(result)
            results.append(result)
            meter.step(findings: result.findings.count, failed: !result.ok)
        }
        meter.finish()
        if let stoppedBy {
            let done = skip + results.count
            ScenarioFiles.printError("devmodel: \(stoppedBy == 130 ? "interrupted" : "deadline reached") after \(done) of \(total) jobs: "
                + "\(results.reduce(0) { $0 + $1.passed }) passed, \(results.reduce(0) { $0 + $1.failed }) failed so far; "
                + "resume with --skip \(done)")
        }
        let text: String
        switch format == .text && json ? .json : format {
        case .ktap: text = ReportKTAP.render(results)
        case .svg: text = ReportSVG.timelines(results)
        case .perfetto:
            guard let t = try? ReportPerfetto.render(results) else { throw ExitCode(ScenarioExit.internalError) }
            text = t + "\n"
        case .json:
            guard let t = try? ReportJSON.render(results) else { throw ExitCode(ScenarioExit.internalError) }
            text = t + "\n"
        case .text:
            var t = results.map { ReportText.render($0, events: !noEvents) }.joined(separator: "\n\n") + "\n"
            if results.count > 1 {
                t += "\n\(results.reduce(0) { $0 + $1.passed }) passed, \(results.reduce(0) { $0 + $1.failed }) failed in \(results.count) scenarios\n"
            }
            text = output == nil ? color.paint(t) : t
        }
        try Output.write(text, to: output)
        // Findings fail a run unless the scenario states how many it expects (a negative control).
        let failed = zip(jobs, results).contains { scenario, result in
            !result.ok || (!result.findings.isEmpty && scenario.expect.findings == nil)
        }
        if let stoppedBy { throw ExitCode(stoppedBy) }
        if failed { throw ExitCode(ScenarioExit.failures) }
    }
}
