import Foundation
import Scenarios
import Testing
@testable import Explorer

/// Example scenarios whose actors really race (blocking reads, unplug, busy lines), explored
/// with bound 2: no schedule fails.
@Suite struct ExampleSweepTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios")

    @Test(arguments: ["gpio-blocked-reader-unbind.yaml", "usb-unplug-blocked-reader.yaml", "gpio-line-busy.json"])
    func racingExamplesHaveNoFailingScheduleAtBound2(_ name: String) throws {
        let s = try ScenarioFile.load(Self.directory.appendingPathComponent(name).path)
        let r = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(r.complete)
        #expect(r.executions > 1)
        #expect(r.failures.isEmpty, "\(r.failures.first.map { "\($0.reasons) \($0.replay)" } ?? "")")
        print("explore \(name) bound 2: \(r.executions) executions, \(Int(r.executionsPerSecond)) executions/s")
    }
}
