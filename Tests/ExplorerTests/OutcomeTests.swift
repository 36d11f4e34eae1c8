import Foundation
import Instrumentation
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// Order-dependent outcomes, failures with replay strings, and the GPIO canonical scenario.
@Suite struct OutcomeTests {
    static let board = BoardSpec(gpioChips: [GpioChipSpec(name: "gpio-sim.0", numLines: 4)])

    /// open races unbind: the open succeeds or fails with ENODEV depending on the order.
    static func openVersusUnbind(expectOpen: String? = nil) -> Scenario {
        Scenario("open vs unbind", board: board) {
            ActorSpec("user") {
                if let expectOpen { StepSpec.open("gpiochip0").as("chip").expect(errno: expectOpen) }
                else { StepSpec.open("gpiochip0").as("chip") }
            }
            ActorSpec("admin") { StepSpec.unbind("gpio-sim.0") }
        }
    }

    @Test func bothOrdersAreFound() {
        let r = Explorer(scenario: Self.openVersusUnbind()).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(r.failures.isEmpty, "\(r.failures)")
        let opens = Set(r.outcomes.keys.compactMap { $0.split(separator: " ").first.map(String.init) })
        #expect(opens.contains("user[1]=OK"))
        #expect(opens.contains("user[1]=ENOENT"))
        print("open vs unbind: \(r.executions) executions, outcomes \(r.outcomes.keys.sorted())")
    }

    @Test func aFailingOrderIsReportedAndReplaysTwice() throws {
        let explorer = Explorer(scenario: Self.openVersusUnbind(expectOpen: "OK"))
        let r = explorer.explore(strategy: .preemptionBounded(maxPreemptions: 2))
        let first = try #require(r.failures.first)
        // Once unbind removed the node, open is ENOENT; while unbind runs it may be ENODEV.
        #expect(first.reasons.contains { $0.contains("errno OK: got ENOENT") || $0.contains("errno OK: got ENODEV") },
                "\(first.reasons)")
        #expect(first.preemptions == 0)
        #expect(first.reproduced)
        #expect(first.replay.hasPrefix("dm1:\(explorer.program.hash):pb2:"))
        let a = try explorer.replay(first.replay)
        let b = try explorer.replay(first.replay)
        #expect(a.verdict == b.verdict && a.replay == b.replay)
        #expect(a.verdict.failures == first.reasons)
        #expect(a.replay == first.replay)
    }

    @Test func aReplayForAnotherScenarioIsRejected() throws {
        let r = Explorer(scenario: Self.openVersusUnbind(expectOpen: "OK")).explore()
        let replay = try #require(r.failures.first?.replay)
        #expect(throws: ReplayError.self) { try Explorer(scenario: Self.openVersusUnbind()).replay(replay) }
        do {
            _ = try Explorer(scenario: Self.openVersusUnbind()).replay(replay)
        } catch {
            #expect(error.description.contains("the scenario (or the explorer's scheduling points) changed"))
        }
    }

    static func canonical() throws -> Scenario {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scenarios/gpio-open-unbind-access.yaml")
        return try ScenarioFile.load(url.path)
    }

    /// As written, its `after:` clauses order open → unbind → access: one schedule.
    @Test func gpioCanonicalScenarioHasNoFailuresAtBound2() throws {
        let r = Explorer(scenario: try Self.canonical()).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(r.failures.isEmpty, "\(r.failures.first.map { "\($0.reasons) \($0.replay)" } ?? "")")
        #expect(r.complete)
        #expect(r.executions == 1)
    }

    /// Without its `after:` clauses and per-step expectations, unbind races every step: in
    /// every schedule with ≤ 2 preemptions, no finding, no hang, and the chip is released.
    @Test func gpioCanonicalScenarioRacingUnbindHasNoFailuresAtBound2() throws {
        var s = try Self.canonical()
        for a in s.actors.indices {
            for i in s.actors[a].steps.indices {
                s.actors[a].steps[i].after = nil
                s.actors[a].steps[i].expect = StepExpectation()
            }
        }
        let r = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(r.failures.isEmpty, "\(r.failures.first.map { "\($0.reasons) \($0.replay)" } ?? "")")
        #expect(r.complete)
        #expect(r.outcomes.count > 1)
        print("explore gpio-open-unbind-access (racing) bound 2: \(r.executions) executions in "
            + "\(String(format: "%.3f", r.seconds)) s = \(Int(r.executionsPerSecond)) executions/s, "
            + "\(r.outcomes.count) distinct outcomes")
    }
}

/// Coverage assertions: an exploration whose interesting outcome never happens fails.
@Suite struct ReachableTests {
    static func scenario(_ reachable: String) throws -> Scenario {
        try GpioScenarios.parse("reachable", """
            actors:
              user:
                - open: /dev/gpiochip0
                  as: chip
                  label: open
                - ioctl: {file: chip, request: chip_info}
                  label: ioctl
              admin:
                - unbind: gpio-sim.0
            expect:
              findings: 0
              reachable: [\(reachable)]
            """)
    }

    @Test func bothOutcomesOfARaceAreReached() throws {
        let r = Explorer(scenario: try Self.scenario("ioctl → OK, ioctl → ENODEV, open -> ENOENT")).explore()
        #expect(r.unreached.isEmpty, "\(r.report)")
        #expect(r.passed)
    }

    @Test func anOutcomeNoScheduleShowsFailsTheExploration() throws {
        let r = Explorer(scenario: try Self.scenario("ioctl → OK, ioctl → EBUSY")).explore()
        #expect(r.failures.isEmpty)
        #expect(r.unreached == ["ioctl → EBUSY"])
        #expect(!r.passed)
        #expect(r.report.contains("NOT REACHED: ioctl → EBUSY in none of the \(r.executions) executions"))
    }
}
