import Foundation
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// The step points the explorer leaves out (file operations on an actor's own handles) only
/// repeated schedules: leaving them out loses no outcome and no failure.
@Suite struct StepPointsTests {
    @Test func canonicalScenarioNeedsNoStepPoint() throws {
        let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent("canonical-three-actors.yaml").path)
        let needed = StepPoints.needed(in: s)
        #expect(s.actors.map(\.name) == ["opener", "admin", "reader"])
        #expect(needed == [[false, false, false, false], [false, false], [false, false, false, false]])
    }

    /// The same outcomes, failing outcomes and failures with every step point as without the
    /// redundant ones, on examples of every kind of racing step (blocking reads and polls,
    /// unplug, busy lines, an interrupt edge, expectations that fail, a hang); fewer schedules
    /// on those with file operations. Leaving out every step point breaks gpio-irq-unbind
    /// (an edge looks the chip up before its first model point).
    @Test(arguments: [("gpio-blocked-reader-unbind.yaml", 2), ("usb-unplug-blocked-reader.yaml", 2),
                      ("gpio-line-busy.json", 2), ("gpio-irq-unbind.yaml", 2), ("misc-blocked-reader-unbind.yaml", 2),
                      ("i2c-client-adapter-unbind.yaml", 2), ("crosscheck/gpio-ioctl-expects-ok.yaml", 2),
                      ("crosscheck/misc-pipe-two-readers-hang.yaml", 1)])
    func leavingOutStepPointsLosesNothing(_ name: String, _ bound: Int) throws {
        let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent(name).path)
        func explore(every: Bool) -> ExplorationResult {
            var e = Explorer(scenario: s)
            e.options.everyStepPoint = every
            return e.explore(strategy: .preemptionBounded(maxPreemptions: bound))
        }
        let reduced = explore(every: false), full = explore(every: true)
        #expect(reduced.complete && full.complete)
        #expect(Set(reduced.outcomes.keys) == Set(full.outcomes.keys))
        #expect(Set(reduced.failingOutcomes.keys) == Set(full.failingOutcomes.keys))
        #expect(Set(reduced.failures.map(\.reasons)) == Set(full.failures.map(\.reasons)))
        #expect(reduced.executions <= full.executions)
        if StepPoints.needed(in: s).joined().contains(false) {
            #expect(reduced.executions < full.executions, "\(name): no step point left out")
        }
    }

    /// A handle another actor opens is shared state: looking it up comes before any model
    /// point, so that step keeps its point — or the lookup would always run before the other
    /// actor's open (threads start in order) and `OK` would never be reached.
    @Test func aStepOnAnotherActorsHandleKeepsItsPoint() throws {
        let s = try GpioScenarios.parse("shared-handle", """
            actors:
              user:
                - ioctl: {file: chip, request: chip_info}
                  label: info
              opener:
                - open: /dev/gpiochip0
                  as: chip
            expect:
              reachable:
                - info → OK
                - info → EBADF
            """)
        #expect(StepPoints.needed(in: s) == [[true], [true]])
        let r = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: 1))
        #expect(r.unreached.isEmpty, "unreached: \(r.unreached)")
    }

    /// A bind reads the device's binding before the device lock, and another actor's unbind
    /// writes it: the bind keeps its step point. Without it, the opener's bind always read
    /// the binding right after leaving its open's fence, before the unbind (which waited in
    /// synchronize for that open) could finish, so "open OK, then bind OK" was never reached.
    @Test func aBindRacingAnotherActorsUnbindKeepsItsPoint() throws {
        let s = try GpioScenarios.parse("open-then-bind", """
            actors:
              opener:
                - open: /dev/gpiochip0
                  as: chip
                - bind: {device: gpio-sim.0, driver: gpio-sim}
              admin:
                - unbind: gpio-sim.0
            """)
        #expect(StepPoints.needed(in: s) == [[false, true], [true]])
        let r = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(r.outcomes.keys.contains("opener[1]=OK opener[2]=OK admin[1]=OK"), "\(r.outcomes.keys.sorted())")
    }

    /// Replay strings name the option: a schedule found with every step point replays with them.
    @Test func theOptionIsPartOfTheReplayString() throws {
        let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent("crosscheck/gpio-ioctl-expects-ok.yaml").path)
        var e = Explorer(scenario: s)
        e.options.everyStepPoint = true
        let r = e.explore(strategy: .preemptionBounded(maxPreemptions: 1))
        let failure = try #require(r.failures.first)
        #expect(failure.replay.contains(",every-step-point:"))
        #expect(failure.reproduced)
        let again = try Explorer(scenario: s).replay(failure.replay)
        #expect(again.verdict.failures == failure.reasons)
    }
}
