import Instrumentation
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// Dynamic partial-order reduction: known answers, and the same outcomes as the full space.
@Suite struct ReductionTests {
    /// Each actor announces `operations` in order (one scheduling point each).
    static func program(_ name: String, _ operations: [[SchedulingOperation]]) -> ExplorationProgram {
        .custom(name: name, actors: operations.indices.map { "t\($0)" }) {
            CustomExecution(actors: operations.map { ops in { for op in ops { Scheduling.point(op) } } })
        }
    }

    static let x = ObjectID.next()
    static let y = ObjectID.next()

    static func count(_ p: ExplorationProgram, reduction: Bool) -> Int {
        Explorer(program: p).explore(strategy: .exhaustive(reduction: reduction)).executions
    }

    @Test func twoIndependentStepsRunOnce() {
        let p = Self.program("independent", [[.refGet(Self.x, name: "x")], [.refGet(Self.y, name: "y")]])
        #expect(Self.count(p, reduction: true) == 1)
        #expect(Self.count(p, reduction: false) == 2)
    }

    @Test func twoDependentStepsRunTwice() {
        let p = Self.program("dependent", [[.refGet(Self.x, name: "x")], [.refPut(Self.x, name: "x")]])
        #expect(Self.count(p, reduction: true) == 2)
        #expect(Self.count(p, reduction: false) == 2)
    }

    /// Two readers of one fence commute; a synchronize does not commute with either.
    @Test func fenceReadersCommuteAndSynchronizeDoesNot() {
        let readers = Self.program("readers", [[.fenceEnter(Self.x, name: "f"), .fenceExit(Self.x, name: "f")],
                                               [.fenceEnter(Self.x, name: "f"), .fenceExit(Self.x, name: "f")]])
        #expect(Self.count(readers, reduction: true) == 1)
        let revoker = Self.program("revoker", [[.fenceEnter(Self.x, name: "f"), .fenceExit(Self.x, name: "f")],
                                               [.synchronize(Self.x, name: "f")]])
        // synchronize before the enter, between enter and exit, after the exit.
        #expect(Self.count(revoker, reduction: true) == 3)
        #expect(Self.count(revoker, reduction: false) == 3)
    }

    /// k operations each on private objects: C(2k, k) schedules, one class.
    @Test(arguments: [2, 3, 4])
    func privateSequencesAreOneClass(_ k: Int) {
        let a = (0..<k).map { _ in SchedulingOperation.refGet(ObjectID.next(), name: "a") }
        let b = (0..<k).map { _ in SchedulingOperation.refGet(ObjectID.next(), name: "b") }
        let p = Self.program("private \(k)", [a, b])
        #expect(Self.count(p, reduction: true) == 1)
        #expect(Self.count(p, reduction: false) == KnownAnswerTests.binomial(2 * k, k))
    }

    /// Three threads each touching x once: every order of the three is distinct (3! = 6),
    /// and a fourth thread on its own object adds nothing.
    @Test func threeWritersOfOneObjectGiveSixOrders() {
        let w = SchedulingOperation.refGet(Self.x, name: "x")
        let p = Self.program("three writers", [[w], [w], [w], [.refGet(Self.y, name: "y")]])
        #expect(Self.count(p, reduction: true) == 6)
    }

    /// The reduction must not lose an outcome: the opposite-order lock pair still deadlocks.
    @Test func theDeadlockIsStillFound() throws {
        let r = Explorer(program: HangTests.abba).explore(strategy: .exhaustive())
        #expect(r.failures.count == 1)
        let unreduced = Explorer(program: HangTests.abba).explore(strategy: .exhaustive(reduction: false))
        #expect(r.executions < unreduced.executions)
        #expect(Set(r.outcomes.keys) == Set(unreduced.outcomes.keys))
    }
}

/// The reduction against the model: the reduced exhaustive space must show every outcome
/// that preemption bounding shows (a schedule with 2 preemptions is one of all schedules).
@Suite struct ReductionSoundnessTests {
    static func twoChips(unbinding chip: Int) throws -> Scenario {
        try GpioScenarios.parse("two-chips-\(chip)", chips: 2, """
            actors:
              user:
                - open: /dev/gpiochip0
                  as: chip
                - ioctl: {file: chip, request: chip_info}
              admin:
                - unbind: gpio-sim.\(chip)
            """)
    }

    @discardableResult
    static func check(_ s: Scenario) -> (reduced: ExplorationResult, bounded: ExplorationResult) {
        let reduced = Explorer(scenario: s).explore(strategy: .exhaustive())
        let bounded = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(reduced.complete)
        #expect(Set(bounded.outcomes.keys).isSubset(of: Set(reduced.outcomes.keys)),
                "\(s.name): outcomes lost by the reduction: \(Set(bounded.outcomes.keys).subtracting(reduced.outcomes.keys))")
        #expect(reduced.failures.map(\.reasons) == bounded.failures.map(\.reasons))
        return (reduced, bounded)
    }

    /// Unbinding the chip the user has open: both orders of every dependent pair remain
    /// (ENOENT, ENODEV or success for each call): every outcome of bound 2 appears.
    @Test func dependentUnbindKeepsEveryOutcome() throws {
        let (reduced, _) = Self.check(try Self.twoChips(unbinding: 0))
        #expect(reduced.outcomes.count >= 3, "\(reduced.outcomes)")
    }

    /// Unbinding the other chip touches nothing the user does: a handful of schedules.
    @Test func independentUnbindCollapses() throws {
        let (reduced, bounded) = Self.check(try Self.twoChips(unbinding: 1))
        #expect(reduced.executions * 10 < bounded.executions, "reduced \(reduced.executions), bound 2 \(bounded.executions)")
    }

    @Test(arguments: ["gpio-blocked-reader-unbind.yaml", "usb-unplug-blocked-reader.yaml", "gpio-line-busy.json"])
    func examplesKeepEveryOutcome(_ name: String) throws {
        Self.check(try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent(name).path))
    }
}
