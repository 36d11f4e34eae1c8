import Foundation
import Instrumentation
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// Example scenarios whose actors really race (blocking reads and polls, unplug, busy
/// lines): no explored schedule fails.
@Suite struct ExampleSweepTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios")

    /// Bound 2, but 1 for the three-actor poll scenario (3,374 schedules at bound 2: ~5 s in
    /// a debug build, too slow for the unit tests).
    @Test(arguments: [("gpio-blocked-reader-unbind.yaml", 2), ("usb-unplug-blocked-reader.yaml", 2),
                      ("gpio-line-busy.json", 2), ("gpio-poll-woken-by-unbind.yaml", 1),
                      ("misc-blocked-reader-unbind.yaml", 2),
                      // A reader that goes to sleep after unregistration began but before the
                      // revoke: it used to call in again at once, for ever under the default
                      // schedule (a busy wait, found by the SPIN cross-check's scenario).
                      ("crosscheck/misc-pipe-reader-writer-unbind.yaml", 1)])
    func racingExamplesHaveNoFailingSchedule(_ name: String, _ bound: Int) throws {
        let s = try ScenarioFile.load(Self.directory.appendingPathComponent(name).path)
        let r = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: bound))
        #expect(r.complete)
        #expect(r.executions > 1)
        #expect(r.failures.isEmpty, "\(r.failures.first.map { "\($0.reasons) \($0.replay)" } ?? "")")
        print("explore \(name) bound \(bound): \(r.executions) executions, \(Int(r.executionsPerSecond)) executions/s")
    }
}

/// Replay strings reproduce any execution, not only failing ones: for every example
/// scenario, random schedules are replayed from their strings and give the same outcome.
@Suite struct DeterminismTests {
    @Test func everyExampleReplaysRandomSchedulesExactly() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: ExampleSweepTests.directory.path).sorted()
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
        #expect(names.count >= 10)
        var seeds = SplitMix64(seed: 2026)
        for name in names {
            let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent(name).path)
            let explorer = Explorer(scenario: s)
            for _ in 0..<4 {
                let e = explorer.execute(ScheduleChooser(seed: seeds.next()))
                let string = ReplayString(hash: explorer.program.hash, strategy: "rnd", choices: e.decisions.map(\.chosen))
                let again = try explorer.replay(string.description)
                #expect(again.verdict == e.verdict, "\(name): \(string)")
                #expect(again.replay == string.description)
            }
        }
    }
}
