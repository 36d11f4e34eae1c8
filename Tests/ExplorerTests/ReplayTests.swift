import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// Replay strings from every strategy reproduce their execution; bad ones are refused or
/// reported as divergences.
@Suite struct ReplayTests {
    static let failing = OutcomeTests.openVersusUnbind(expectOpen: "OK")

    @Test func aRandomFailureReplaysExactly() throws {
        let explorer = Explorer(scenario: Self.failing)
        let r = explorer.explore(strategy: .random(seed: 3, executions: 40))
        let first = try #require(r.failures.first)
        #expect(first.replay.hasPrefix("dm1:\(explorer.program.hash):rnd3:"))
        #expect(first.reproduced)
        for _ in 0..<3 { #expect(try explorer.replay(first.replay).verdict.failures == first.reasons) }
    }

    /// A failure is printed as the shortest prefix of its schedule that, followed by the
    /// default schedule, fails the same way (`+`), and that string was replayed twice.
    @Test func failuresAreShrunkToThePrefixThatMatters() throws {
        let explorer = Explorer(scenario: Self.failing)
        let r = explorer.explore(strategy: .random(seed: 5, executions: 40))
        let first = try #require(r.failures.first)
        #expect(first.reproduced)
        let string = try ReplayString(parsing: first.replay)
        #expect(string.thenDefault)
        let full = explorer.execute(ScheduleChooser(prefix: string.choices))
        #expect(full.decisions.count > string.choices.count, "\(first.replay)")
        #expect(full.verdict.failures == first.reasons)
        // One choice fewer no longer fails.
        if !string.choices.isEmpty {
            let shorter = explorer.execute(ScheduleChooser(prefix: Array(string.choices.dropLast())))
            #expect(shorter.verdict.failures != first.reasons)
        }
    }

    @Test func aThreadTheScenarioDoesNotHaveIsRefused() {
        let explorer = Explorer(scenario: Self.failing)
        #expect(throws: ReplayError.noSuchThread(2, actors: 2)) {
            try explorer.replay("dm1:\(explorer.program.hash):pb2:abc")
        }
    }

    @Test func choicesThatDoNotMatchTheExecutionAreADivergence() throws {
        let explorer = Explorer(scenario: Self.failing)
        // Far more choices than the execution has decisions.
        let outcome = try explorer.replay("dm1:\(explorer.program.hash):pb2:a50")
        #expect(outcome.verdict.failures.contains { $0.contains("replay diverged: the execution made") && $0.hasSuffix("has 50 choices") },
                "\(outcome.verdict.failures)")
        #expect(outcome.replay != "dm1:\(explorer.program.hash):pb2:a50")
        // Too few choices: the first decision beyond them is reported.
        let short = try explorer.replay("dm1:\(explorer.program.hash):pb2:-")
        #expect(short.verdict.failures.contains { $0.hasPrefix("replay diverged: decision 1") }, "\(short.verdict.failures)")
    }
}

@Suite struct ReportTests {
    @Test func theReportListsEachFailureWithItsReplayString() throws {
        let r = Explorer(scenario: ReplayTests.failing).explore()
        let replay = try #require(r.failures.first?.replay)
        #expect(r.report.contains("executions"))
        #expect(r.report.contains("FAIL (0 preemptions)"))
        #expect(r.report.contains("  replay: \(replay)"))
    }
}
