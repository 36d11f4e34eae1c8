import ExplorerEngine
import Explorer
import Foundation
import ScenarioModel

/// A described driver against its built-in twin under the explorer (issue "Bring your own
/// driver": within 1.5× the executions per second): `Scenarios/bench/misc-described.yaml`
/// describes in the scenario language the misc device the built-in misc-pipe driver is in
/// Swift (`misc-builtin.yaml`), with the same actors. Both explored at three preemptions on
/// one worker, three times each, interleaved; the medians' ratio is printed.
enum DescribedBench {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios/bench")

    static func run() -> BenchReport {
        var report = BenchReport(suite: "described driver vs built-in (scenario@2)")
        guard let builtin = try? ScenarioFile.load(directory.appendingPathComponent("misc-builtin.yaml").path),
              let described = try? ScenarioFile.load(directory.appendingPathComponent("misc-described.yaml").path) else {
            report.notes.append("cannot load Scenarios/bench/misc-*.yaml")
            return report
        }
        func explore(_ s: Scenario) -> ExplorationResult {
            var e = Explorer(scenario: s)
            e.workers = 1
            return e.explore(strategy: .preemptionBounded(maxPreemptions: 3))
        }
        _ = explore(builtin)
        _ = explore(described)
        var b: [ExplorationResult] = []
        var d: [ExplorationResult] = []
        for _ in 0..<3 {
            b.append(explore(builtin))
            d.append(explore(described))
        }
        let mb = b.sorted { $0.executionsPerSecond < $1.executionsPerSecond }[1]
        let md = d.sorted { $0.executionsPerSecond < $1.executionsPerSecond }[1]
        report.rows.append(BenchRow(name: "built-in misc-pipe, bound 3 (\(mb.executions) executions), median of 3",
                                    value: mb.executionsPerSecond, unit: "/s"))
        report.rows.append(BenchRow(name: "described misc driver, bound 3 (\(md.executions) executions), median of 3",
                                    value: md.executionsPerSecond, unit: "/s"))
        report.rows.append(BenchRow(name: "per-execution cost, described / built-in (goal ≤ 1.5)",
                                    value: mb.executionsPerSecond / max(md.executionsPerSecond, 1), unit: "×"))
        return report
    }
}
