import CShim
import ExplorerEngine
import Explorer
import Foundation
import Instrumentation
import ScenarioModel

/// The explorer's goals (issue 7) on its canonical scenario — opener: open, ioctl ×2, close;
/// admin: unbind, rebind; reader: open, read, poll, close — from Scenarios/: every schedule
/// with ≤ 2 preemptions in under 2 s, ≤ 3 in under 30 s, and ≥ 5,000 executions per second
/// per core, measured on one worker (one core), and on all CPUs; and the time to name an
/// opposite-order lock pair's cycle (goal < 1 s).
enum ExplorerBench {
    static let canonical = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios/canonical-three-actors.yaml").path

    /// The canonical scenario, with the allocator tuned as `devmodel explore` tunes it; nil
    /// (and a note) when it cannot be loaded.
    static func canonicalScenario(_ report: inout BenchReport) -> Scenario? {
        ExplorerMemoryTuning.apply()
        guard let scenario = try? ScenarioFile.load(canonical) else {
            report.notes.append("cannot load \(canonical)")
            return nil
        }
        return scenario
    }

    static func run() -> BenchReport {
        var report = BenchReport(suite: "explorer (issue 7)")
        guard let scenario = canonicalScenario(&report) else { return report }
        func explore(bound: Int, workers: Int) -> ExplorationResult {
            var e = Explorer(scenario: scenario)
            e.workers = workers
            e.maxExecutions = 10_000_000
            return e.explore(strategy: .preemptionBounded(maxPreemptions: bound))
        }
        let cpus = Harness.cpus
        // Warm up first (the pools' threads, the allocator's arenas, type metadata): the
        // first exploration of a process ran ~15% slower than the next.
        _ = explore(bound: 1, workers: 1)
        // Bound 2 on one worker three times: its median and its best.
        let ones = (0..<3).map { _ in explore(bound: 2, workers: 1) }.sorted { $0.seconds < $1.seconds }
        let one = ones[1]
        // One worker before the parallel runs: each of those leaves its workers' heaps behind.
        let threeOne = explore(bound: 3, workers: 1)
        let all = explore(bound: 2, workers: cpus)
        let three = explore(bound: 3, workers: cpus)
        report.rows.append(BenchRow(name: "canonical, bound 2, 1 worker (\(one.executions) executions, median of 3)", value: one.seconds,
                                    unit: "s"))
        report.rows.append(BenchRow(name: "canonical, bound 2, \(cpus) workers", value: all.seconds, unit: "s"))
        report.rows.append(BenchRow(name: "canonical, bound 3, \(cpus) workers (\(three.executions) executions)", value: three.seconds,
                                    unit: "s"))
        report.rows.append(BenchRow(name: "executions per second, 1 worker", value: one.executionsPerSecond, unit: "/s"))
        report.rows.append(BenchRow(name: "executions per second per core, \(cpus) workers, bound 3",
                                    value: three.executionsPerSecond / Double(cpus), unit: "/s"))
        report.rows.append(BenchRow(name: "canonical, bound 3, 1 worker", value: threeOne.seconds, unit: "s"))
        report.rows.append(BenchRow(name: "executions per second, 1 worker, bound 3", value: threeOne.executionsPerSecond, unit: "/s"))
        // Heap kept across executions: each must free its board (a leak of 24 KB each made
        // bound 3 keep gigabytes).
        let warm = Explorer(scenario: scenario)
        _ = warm.explore(strategy: .random(seed: 1, executions: 200))
        let heapBefore = dm_malloc_in_use()
        _ = warm.explore(strategy: .random(seed: 2, executions: 2000))
        let kept = Double(Int(dm_malloc_in_use()) - Int(heapBefore)) / 2000
        report.rows.append(BenchRow(name: "heap kept per execution (2,000 random schedules)", value: kept, unit: "bytes"))
        let deadlock = deadlockSeconds()
        report.rows.append(BenchRow(name: "opposite-order lock pair: cycle named after", value: deadlock * 1000, unit: "ms"))
        let d = direct()
        report.rows += d.rows
        report.ratios += d.ratios
        report.notes += d.notes
        report.ratios.append(("bound 2 time on 1 worker (s)", one.seconds, ones[0].seconds, "< 2"))
        report.ratios.append(("bound 3 time on 1 worker (s)", threeOne.seconds, threeOne.seconds, "< 30"))
        report.ratios.append(("executions/s/core, 1 worker / 5,000", one.executionsPerSecond / 5000,
                              ones[0].executionsPerSecond / 5000, ">= 1"))
        report.notes.append("bound 2: \(one.outcomes.count) distinct outcomes, \(one.failures.count) failures; "
                            + "bound 3: \(three.outcomes.count) outcomes, \(three.failures.count) failures")
        return report
    }

    /// Issue 20: what serialising costs — the canonical scenario's default schedule explored
    /// (actor threads handed control at every decision) against the same schedule run
    /// directly (the actors in turn on one thread, no controller), alternating in rounds.
    static func direct() -> BenchReport {
        var report = BenchReport(suite: "explorer: explored vs direct (issue 20)")
        guard let scenario = canonicalScenario(&report) else { return report }
        let direct = Explorer(scenario: scenario).measureDirectBaseline()
        report.rows.append(BenchRow(name: "default schedule, explored (\(direct.switches) switching decisions)",
                                    value: direct.exploredNanoseconds / 1000, unit: "µs"))
        report.rows.append(BenchRow(name: "default schedule, run directly (actors in turn on one thread)",
                                    value: direct.directNanoseconds / 1000, unit: "µs"))
        if !direct.sameOutcome { report.notes.append("the direct run's outcome differs from the explored one: the ratio means nothing") }
        // Per round, median and smallest (the harness's "of medians" and "of mins" columns).
        report.ratios.append(("explored execution / the same schedule run directly", direct.ratio, direct.bestRatio, "<= 1.5"))
        return report
    }

    /// Issue 20: preemption bounding with and without bounded partial-order reduction on the
    /// canonical scenario — counts (machine-independent) and times, one worker each (the
    /// reduction is sequential); bound 4 with the reduction only.
    static func reduction() -> BenchReport {
        var report = BenchReport(suite: "explorer reduction (issue 20)")
        guard let scenario = canonicalScenario(&report) else { return report }
        func explore(_ strategy: ExplorationStrategy) -> ExplorationResult {
            var e = Explorer(scenario: scenario)
            e.workers = 1
            e.maxExecutions = 10_000_000
            return e.explore(strategy: strategy)
        }
        _ = explore(.preemptionBounded(maxPreemptions: 1))
        for bound in 2...4 {
            let reduced = explore(.reducedPreemptionBounded(maxPreemptions: bound))
            report.rows.append(BenchRow(name: "bound \(bound) with reduction: \(reduced.executions) executions, \(reduced.outcomes.count) outcomes",
                                        value: reduced.seconds, unit: "s"))
            guard bound <= 3 else { continue }
            let plain = explore(.preemptionBounded(maxPreemptions: bound))
            report.rows.append(BenchRow(name: "bound \(bound) without: \(plain.executions) executions, \(plain.outcomes.count) outcomes",
                                        value: plain.seconds, unit: "s"))
            report.ratios.append(("bound \(bound): executions without / with reduction", Double(plain.executions) / Double(reduced.executions),
                                  Double(plain.executions) / Double(reduced.executions), bound == 3 ? ">= 5" : ""))
            report.ratios.append(("bound \(bound): time without / with reduction", plain.seconds / reduced.seconds, plain.seconds / reduced.seconds, ""))
            if Set(plain.outcomes.keys) != Set(reduced.outcomes.keys) { report.notes.append("bound \(bound): the outcomes DIFFER") }
        }
        return report
    }

    static func deadlockSeconds() -> Double {
        let abba = ExplorationProgram.custom(name: "abba", actors: ["a", "b"]) {
            let x = ModelLock(class: "bench.x", name: "x")
            let y = ModelLock(class: "bench.y", name: "y")
            return CustomExecution(actors: [
                { x.lock(); y.lock(); y.unlock(); x.unlock() },
                { y.lock(); x.lock(); x.unlock(); y.unlock() },
            ])
        }
        var e = Explorer(program: abba)
        e.stopAtFirstFailure = true
        let start = Harness.now()
        _ = e.explore()
        return Double(Harness.now() - start) / 1e9
    }
}
