import Foundation
import Instrumentation
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

extension Tag {
    /// Long known-answer runs: enabled with DEVMODEL_EXPENSIVE=1 (minutes in a debug build).
    @Tag static var expensive: Self
}

/// Bounded partial-order reduction against plain preemption bounding: the same outcomes and
/// the same failing outcomes at the same bound, on every example and cross-check scenario,
/// from fewer schedules. (Plain bounding with every order of identical actors: the reduction
/// explores them all.)
@Suite struct BoundedReductionTests {
    static let expensiveEnabled = ProcessInfo.processInfo.environment["DEVMODEL_EXPENSIVE"] == "1"

    static var allScenarios: [String] {
        let fm = FileManager.default
        let top = ((try? fm.contentsOfDirectory(atPath: ExampleSweepTests.directory.path)) ?? []).sorted()
        let cross = ((try? fm.contentsOfDirectory(atPath: ExampleSweepTests.directory.appendingPathComponent("crosscheck").path)) ?? [])
            .sorted().map { "crosscheck/" + $0 }
        return (top + cross).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
    }

    /// Scenarios whose plain bound-3 space is large (tens of thousands of schedules and more):
    /// bound 3 only with DEVMODEL_EXPENSIVE=1; and those whose bound 2 is too (10,000 and more).
    static let largeAtThree: Set<String> = ["calls-race-unbind.yaml", "crosscheck/misc-pipe-reader-writer-unbind.yaml", "crosscheck/misc-pipe-two-readers-hang.yaml", "gpio-poll-woken-by-unbind.yaml"]
    static let largeAtTwo: Set<String> = ["canonical-three-actors.yaml", "calls-race-unbind.yaml", "crosscheck/misc-pipe-reader-writer-unbind.yaml",
                                           "crosscheck/misc-pipe-two-readers-hang.yaml"]

    static func compare(_ name: String, bound: Int) throws {
        let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent(name).path)
        var plain = Explorer(scenario: s)
        plain.options.identicalActorsOnce = false
        plain.maxExecutions = 10_000_000
        let p = plain.explore(strategy: .preemptionBounded(maxPreemptions: bound))
        let r = plain.explore(strategy: .reducedPreemptionBounded(maxPreemptions: bound))
        #expect(p.complete && r.complete)
        #expect(Set(r.outcomes.keys) == Set(p.outcomes.keys),
                "\(name) bound \(bound): lost \(Set(p.outcomes.keys).subtracting(r.outcomes.keys)), extra \(Set(r.outcomes.keys).subtracting(p.outcomes.keys))")
        #expect(Set(r.failingOutcomes.keys) == Set(p.failingOutcomes.keys), "\(name) bound \(bound)")
        #expect(Set(r.failures.map(\.reasons)) == Set(p.failures.map(\.reasons)), "\(name) bound \(bound)")
        #expect(Set(r.unreached) == Set(p.unreached), "\(name) bound \(bound)")
        #expect(r.executions <= p.executions, "\(name) bound \(bound): \(r.executions) reduced, \(p.executions) plain")
        // A reduced failure replays (its string names the options it ran with).
        for f in r.failures { #expect(f.reproduced, "\(name): \(f.replay)") }
        print("bpor \(name) bound \(bound): \(r.executions) executions, plain \(p.executions)")
    }

    @Test(arguments: allScenarios.filter { !largeAtTwo.contains($0) })
    func sameOutcomesAsPlainBoundingAtTwo(_ name: String) throws {
        try Self.compare(name, bound: 2)
    }

    @Test(arguments: allScenarios.filter { !largeAtThree.contains($0) && !largeAtTwo.contains($0) })
    func sameOutcomesAsPlainBoundingAtThree(_ name: String) throws {
        try Self.compare(name, bound: 3)
    }

    @Test(.tags(.expensive), .enabled(if: expensiveEnabled), arguments: allScenarios.filter { largeAtThree.contains($0) || largeAtTwo.contains($0) })
    func sameOutcomesOnTheLargeSpaces(_ name: String) throws {
        if Self.largeAtTwo.contains(name) { try Self.compare(name, bound: 2) }
        try Self.compare(name, bound: 3)
    }

    /// Known answers: two threads on private objects make one class, whatever the bound; two
    /// writers of one object make two.
    @Test func boundedReductionKnownAnswers() {
        let a = (0..<3).map { _ in SchedulingOperation.refGet(ObjectID.next(), name: "a") }
        let b = (0..<3).map { _ in SchedulingOperation.refGet(ObjectID.next(), name: "b") }
        let independent = ReductionTests.program("bpor private", [a, b])
        let dependent = ReductionTests.program("bpor shared", [[.refGet(ReductionTests.x, name: "x")], [.refPut(ReductionTests.x, name: "x")]])
        for bound in 0...3 {
            #expect(Explorer(program: independent).explore(strategy: .reducedPreemptionBounded(maxPreemptions: bound)).executions == 1)
            #expect(Explorer(program: dependent).explore(strategy: .reducedPreemptionBounded(maxPreemptions: bound)).executions == 2)
        }
    }

    /// The opposite-order lock pair needs one preemption: bound 0 passes, bound 1 finds it,
    /// as plain bounding does.
    @Test func theDeadlockNeedsOnePreemption() {
        #expect(Explorer(program: HangTests.abba).explore(strategy: .reducedPreemptionBounded(maxPreemptions: 0)).failures.isEmpty)
        #expect(Explorer(program: HangTests.abba).explore(strategy: .reducedPreemptionBounded(maxPreemptions: 1)).failures.count == 1)
    }
}

/// The reduction runs on one worker whatever the setting: the same counts with one or two.
@Suite struct BoundedReductionWorkerTests {
    @Test func sameCountsWithOneOrTwoWorkers() throws {
        let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent("crosscheck/gpio-ioctl-expects-ok.yaml").path)
        var one = Explorer(scenario: s)
        one.workers = 1
        var two = one
        two.workers = 2
        let a = one.explore(strategy: .reducedPreemptionBounded(maxPreemptions: 2))
        let b = two.explore(strategy: .reducedPreemptionBounded(maxPreemptions: 2))
        #expect(a.executions == b.executions && a.outcomes == b.outcomes)
        #expect(a.failures.map(\.replay) == b.failures.map(\.replay))
    }
}

/// The benchmark's baseline: the default schedule run directly (the actors in turn on one
/// thread) is the same execution as the explored one, so their cost ratio prices the explorer.
@Suite struct DirectBaselineTests {
    @Test func theDirectRunHasTheExploredOutcome() throws {
        let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent("canonical-three-actors.yaml").path)
        let b = Explorer(scenario: s).measureDirectBaseline(rounds: 1, perRound: 2)
        #expect(b.sameOutcome)
        #expect(b.exploredNanoseconds > 0 && b.directNanoseconds > 0)
    }
}
