import Foundation
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// Threads started when first chosen make exactly the schedules that threads run to their
/// first scheduling point up front make: same count, same outcomes with the same
/// multiplicities, same failures with the same replay strings.
@Suite struct LazyStartTests {
    @Test(arguments: [("gpio-blocked-reader-unbind.yaml", 2), ("usb-unplug-blocked-reader.yaml", 2),
                      ("gpio-irq-unbind.yaml", 2), ("misc-blocked-reader-unbind.yaml", 2),
                      ("crosscheck/gpio-ioctl-expects-ok.yaml", 2), ("crosscheck/misc-pipe-two-readers-hang.yaml", 1)])
    func sameSchedulesAsStartingEveryThreadFirst(_ name: String, _ bound: Int) throws {
        let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent(name).path)
        let lazy = ExplorationProgram.scenario(s)
        #expect(lazy.startsLazily)
        var eager = lazy
        eager.startsLazily = false
        let a = Explorer(program: lazy).explore(strategy: .preemptionBounded(maxPreemptions: bound))
        let b = Explorer(program: eager).explore(strategy: .preemptionBounded(maxPreemptions: bound))
        #expect(a.complete && b.complete)
        #expect(a.executions == b.executions)
        #expect(a.outcomes == b.outcomes)
        #expect(a.failures.map(\.reasons) == b.failures.map(\.reasons))
        #expect(a.failures.map(\.replay) == b.failures.map(\.replay))
    }

    /// A first step that waits for another actor's label starts with no scheduling point:
    /// such scenarios start every thread first. Started lazily anyway, gpio-line-busy (whose
    /// second actor waits for the first's label) would be explored with other decisions.
    @Test func aFirstStepWaitingForALabelStartsEveryThreadFirst() throws {
        let busy = ExplorationProgram.scenario(try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent("gpio-line-busy.json").path))
        #expect(!busy.startsLazily)
        var forced = busy
        forced.startsLazily = true
        let right = Explorer(program: busy).explore(), wrong = Explorer(program: forced).explore()
        #expect(right.executions != wrong.executions)

        let s = try GpioScenarios.parse("after-first", """
            actors:
              admin:
                - unbind: gpio-sim.0
                  label: gone
              user:
                - open: /dev/gpiochip0
                  after: gone
                  expect: {errno: ENOENT}
            """)
        #expect(!ExplorationProgram.scenario(s).startsLazily)
        let r = Explorer(scenario: s).explore()
        #expect(r.failures.isEmpty, "\(r.failures.map(\.reasons))")
    }
}
