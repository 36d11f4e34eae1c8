import ArgumentParser
import ExplorerEngine
import Explorer
import Foundation
import ScenarioModel
import ScenarioReports

/// `devmodel explore SCENARIO`: the deterministic interleaving explorer.
struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explore a scenario's interleavings one scheduling point at a time, and report failures with replay strings.",
        discussion: """
        The actors run on real threads but one at a time; at every scheduling point of the model \
        (locks, fences, references, wait queues) the explorer chooses who runs next. Strategies: \
        pb (iterative preemption bounding, default bound 2: the first failure has the fewest \
        preemptions), bpor (the same bound with bounded partial-order reduction: the same \
        outcomes from far fewer schedules, on one worker), exhaustive, random, pct. Every failure prints a replay string \
        dm1:<scenario-hash>:<strategy>:<choices> that --replay reproduces exactly; hangs are \
        explained as wait-for cycles or lost wake-ups. Exit status: 0 no failure, 1 failures, \
        3 no failure but the search stopped at the --executions cap before it was complete \
        (pb and exhaustive: raise --executions), 65 invalid scenario, 66 missing input.
        """)

    @Argument(help: "A scenario file.")
    var scenario: String

    enum StrategyName: String, ExpressibleByArgument, CaseIterable { case pb, bpor, exhaustive, random, pct }

    @Option(name: .long, help: "pb, bpor (pb with bounded partial-order reduction), exhaustive, random or pct.")
    var strategy: StrategyName = .pb

    @Option(name: .long, parsing: .unconditional, help: "Preemption bound for pb and bpor.")
    var bound: Int = 2

    @Option(name: .long, parsing: .unconditional, help: "Executions for random and pct; a cap for exhaustive (and 100 times this for pb): hitting it exits 3.")
    var executions: Int = 1000

    @Option(name: .long, parsing: .unconditional, help: "Bug depth for pct.")
    var depth: Int = 2

    @Option(name: .long, help: "Replay one execution from its string instead of exploring.")
    var replay: String?

    @Flag(name: .long, help: "Exhaustive without partial-order reduction: every schedule, also those that only reorder independent operations.")
    var noReduction = false

    @Option(name: .long, parsing: .unconditional, help: "Exploring threads, each on its own CPU with its own actor threads (default: every CPU).")
    var workers: Int?

    @Flag(name: .long, help: "Print the estimated number of schedules and the time they take (Knuth's estimator) first.")
    var estimate = false

    @Option(name: .long, parsing: .unconditional, help: "Random walks for --estimate.")
    var probes = 1000

    @Flag(name: .long, help: "Make every final put a choice: release at once, or only after every actor finished (CONFIG_DEBUG_KOBJECT_RELEASE, systematic).")
    var delayRelease = false

    @Flag(name: .long, help: "CONFIG_DEBUG_TEST_DRIVER_REMOVE: every probe of the board is followed by a full remove and a second probe.")
    var testDriverRemove = false

    @Flag(name: .long, help: "Explore identical actors in every order too (by default the first of them starts first).")
    var allOrders = false

    @Flag(name: .long, help: "A scheduling point before every step, also where it only repeats schedules (file operations on an actor's own handles; bind and unbind when the other actors only use files) — for checking that reduction.")
    var everyStepPoint = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, ktap }

    @Option(name: .long, help: "Report format: text, json (devmodel/explore@1) or ktap.")
    var format: Format = .text

    @Flag(name: .long, help: "The report as JSON: the same as --format json.")
    var json = false

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Explore only shard i of n (1-based, e.g. 2/4) of the schedule space (pb, or exhaustive --no-reduction): a schedule's first --shard-depth choices pick its shard, the same on every machine; join the shards' --json reports with 'devmodel merge'.")
    var shard: Shard?

    @Option(name: .long, parsing: .unconditional, help: "With --shard: how many leading choices name a schedule's subtree (every shard of one exploration must use the same).")
    var shardDepth = ExplorationShard.defaultDepth

    @Option(name: .long, help: ArgumentHelp("Write the first failing schedule (or the --replay one) recorded in full to this directory: Perfetto trace, SVG timeline, run JSON and the device tree as DOT.", valueName: "dir"))
    var trace: String?

    @Flag(name: .long, help: "Explore once per injectable point reached while the actors run (fail-nth inside the concurrent part), until one is never reached. Replay strings end in :f<n>.")
    var faults = false

    @Option(name: .long, parsing: .unconditional, help: "With --faults: at most this many fault indices.")
    var maxFaults = 64

    @Flag(name: .long, help: "Stop at the first failure.")
    var first = false

    @Option(name: .long, help: "Progress line on stderr: auto (when stderr is a terminal or the run is long), always or never.")
    var progress: ProgressMode = .auto

    @OptionGroup var seedOption: SeedOption

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard bound >= 0 else { throw ValidationError("--bound must not be negative, not \(bound)") }
        guard executions >= 1 else { throw ValidationError("--executions must be at least 1, not \(executions)") }
        guard depth >= 1 else { throw ValidationError("--depth must be at least 1, not \(depth)") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, not \(workers)") }
        guard probes >= 1 else { throw ValidationError("--probes must be at least 1, not \(probes)") }
        guard maxFaults >= 1 else { throw ValidationError("--max-faults must be at least 1, not \(maxFaults)") }
        guard shardDepth >= 1 else { throw ValidationError("--shard-depth must be at least 1, not \(shardDepth)") }
        if shard != nil {
            guard strategy == .pb || (strategy == .exhaustive && noReduction) else {
                throw ValidationError("--shard splits the schedule tree of pb or exhaustive --no-reduction, not \(strategy.rawValue)"
                    + (strategy == .exhaustive ? " with reduction" : ""))
            }
            guard replay == nil, !faults else { throw ValidationError("--shard explores; it does not go with --replay or --faults") }
        }
    }

    func run() throws {
        let (loaded, exit) = ScenarioFiles.loadAll([scenario])
        guard exit == 0, let s = loaded.first?.1 else { throw ExitCode(exit) }
        ExplorerMemoryTuning.apply()
        var explorer = Explorer(scenario: s)
        explorer.stopAtFirstFailure = first
        explorer.options = ExplorationOptions(delayReleases: delayRelease, testDriverRemove: testDriverRemove,
                                              identicalActorsOnce: !allOrders, everyStepPoint: everyStepPoint)
        if let workers { explorer.workers = max(1, workers) }
        if let shard { explorer.shard = ExplorationShard(index: shard.index, count: shard.count, depth: shardDepth) }
        // Explorations run long: the count, failures and rate as they go (every 10 s when
        // stderr is not a terminal; the total is unknown unless --estimate printed it).
        let meter = ProgressMeter(total: 0, mode: progress == .auto ? .always : progress)
        if meter.enabled {
            explorer.progress = { p in
                meter.show(String(format: "[explore] %d executions, %d failing (%d distinct), %.0f/s, %.0f s",
                                  p.executions, p.failingExecutions, p.failures, p.executionsPerSecond, p.seconds))
            }
        }
        defer { if explorer.progress != nil { meter.finish() } }
        if let replay {
            let outcome: ReplayOutcome
            do {
                outcome = try explorer.replay(replay, tracing: trace != nil)
            } catch {
                ScenarioFiles.printError("devmodel: \(error)")
                throw ExitCode(65)
            }
            print("replay \(outcome.replay)")
            print(outcome.verdict.failures.isEmpty ? "no failure" : outcome.verdict.failures.map { "FAIL \($0)" }.joined(separator: "\n"))
            if let trace, let t = outcome.scenarioTrace { try write(t, to: trace, name: s.name) }
            if !outcome.verdict.failures.isEmpty { throw ExitCode(1) }
            return
        }
        let chosen: ExplorationStrategy
        switch strategy {
        case .pb, .bpor:
            chosen = strategy == .pb ? .preemptionBounded(maxPreemptions: bound) : .reducedPreemptionBounded(maxPreemptions: bound)
            explorer.maxExecutions = max(executions, 1) * 100
        case .exhaustive:
            chosen = .exhaustive(reduction: !noReduction)
            explorer.maxExecutions = executions
        case .random: chosen = .random(seed: seedOption.seed, executions: executions)
        case .pct: chosen = .pct(depth: depth, seed: seedOption.seed, executions: executions)
        }
        if estimate { print("estimate: \(explorer.estimate(strategy: chosen, probes: probes, seed: seedOption.seed).description)") }
        if faults {
            let fx = explorer.exploreFaults(strategy: chosen, maxFaults: maxFaults)
            try Output.write(fx.report + "\n", to: output)
            if !fx.passed { throw ExitCode(1) }
            return
        }
        let result = explorer.explore(strategy: chosen)
        switch json ? .json : format {
        case .text: try Output.write(result.report + "\n", to: output)
        case .json: try Output.write(try ExplorationReport.json(result, scenario: s.name, strategy: chosen), to: output)
        case .ktap: try Output.write(ExplorationReport.ktap(result, scenario: s.name), to: output)
        }
        if let trace, let failure = result.failures.first, let t = try? explorer.replay(failure.replay, tracing: true).scenarioTrace {
            try write(t, to: trace, name: s.name)
        }
        if !result.failures.isEmpty { throw ExitCode(1) }
        // An incomplete search proves nothing: neither "no failure" nor "NOT REACHED".
        if !result.complete && strategy != .random && strategy != .pct {
            ScenarioFiles.printError("devmodel: the search stopped at the cap of \(explorer.maxExecutions) executions before it "
                + "was complete; raise --executions to finish it")
            throw ExitCode(ExploreExit.capReached)
        }
        if !result.passed { throw ExitCode(1) }
    }

    /// The four renderings of one traced schedule, named after the scenario.
    private func write(_ t: ExecutionTrace, to directory: String, name: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            ScenarioFiles.printError("devmodel: cannot create \(directory): \(error.localizedDescription)")
            throw ExitCode(73)
        }
        let base = (directory as NSString).appendingPathComponent(name)
        try Output.write(try ReportPerfetto.render([t.run]), to: base + ".perfetto.json")
        try Output.write(ReportSVG.timeline(t.run), to: base + ".svg")
        try Output.write(try ReportJSON.render([t.run]), to: base + ".run.json")
        try Output.write(t.tree, to: base + ".dot")
        FileHandle.standardError.write(Data("trace: \(base).{perfetto.json,svg,run.json,dot}\n".utf8))
    }
}

/// `devmodel explore`'s own exit status (the others are shared with `run`).
enum ExploreExit {
    /// The execution cap ended a preemption-bounded or exhaustive search before it was complete.
    static let capReached: Int32 = 3
}
