import Foundation
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// A complete exploration reports the same failures, with the same replay strings, whatever
/// the number of workers: the schedule kept for a failure is the first in a fixed order, not
/// the first a worker happened to finish (which gave `…:a5b+` with two workers and `…:a6b+`
/// with one on gpio-ioctl-expects-ok).
@Suite struct WorkerCountTests {
    @Test(arguments: [("crosscheck/gpio-ioctl-expects-ok.yaml", 2), ("crosscheck/misc-pipe-two-readers-hang.yaml", 1)])
    func sameFailuresWithOneOrTwoWorkers(_ name: String, _ bound: Int) throws {
        let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent(name).path)
        var one = Explorer(scenario: s)
        one.workers = 1
        var two = one
        two.workers = 2
        let a = one.explore(strategy: .preemptionBounded(maxPreemptions: bound))
        let b = two.explore(strategy: .preemptionBounded(maxPreemptions: bound))
        #expect(a.complete && b.complete)
        #expect(!a.failures.isEmpty, "the example must fail for this test to mean anything")
        #expect(a.executions == b.executions)
        #expect(a.failures.map(\.reasons) == b.failures.map(\.reasons))
        #expect(a.failures.map(\.replay) == b.failures.map(\.replay))
    }
}
