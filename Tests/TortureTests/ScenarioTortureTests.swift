import Foundation
@testable import ScenarioExecution
import ScenarioModel
import Testing
@testable import Torture

/// `devmodel torture --scenario`: iterations of a scenario's actors on real threads. Runs are
/// bounded by iterations, never by time, and assert only what holds in every schedule.
@Suite struct ScenarioTortureTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scenarios")

    static func example(_ name: String) throws -> Scenario {
        try ScenarioFile.load(scenarios.appendingPathComponent(name).path)
    }

    static func options(iterations: Int) -> ScenarioTortureOptions {
        var o = ScenarioTortureOptions()
        o.iterations = iterations
        o.stutterMicroseconds = 50
        return o
    }

    @Test func admissibleOutcomesAreExpectPlusTheLabelsReachable() throws {
        let policy = AdmissibleOutcomes(try Self.example("gpio-irq-unbind.yaml"))
        // Labelled, with reachable outcomes and no expect: both sides of the race.
        #expect(policy.admits(actor: "hardware", index: 0, errno: nil))
        #expect(policy.admits(actor: "hardware", index: 0, errno: "ENODEV"))
        #expect(!policy.admits(actor: "hardware", index: 0, errno: "EBUSY"))
        // expect without reachable: must hold in every iteration.
        #expect(policy.admits(actor: "admin", index: 0, errno: nil))
        #expect(!policy.admits(actor: "admin", index: 0, errno: "ENODEV"))
        // Neither: only counted.
        #expect(policy.admits(actor: "hardware", index: 1, errno: "EIO"))
        let shown: [String] = policy.shown.compactMap { policy.names[$0] }
        #expect(shown == ["first-edge", "admin[step 1]"])
    }

    @Test("a fixed scenario runs clean", arguments: ["calls-race-unbind.yaml", "gpio-irq-unbind.yaml", "canonical-three-actors.yaml"])
    func fixedScenarioIsClean(_ name: String) throws {
        let report = ScenarioTorture.run(try Self.example(name), options: Self.options(iterations: 30))
        #expect(report.success, "\(report.lines)")
        #expect(report.iterations == 30)
        // Every iteration shows each shown step once: judged, or counted apart after an earlier failure.
        for h in report.outcomes {
            let judged: Int = h.counts.values.reduce(0, +)
            let apart: Int = h.afterEarlierFailure.values.reduce(0, +)
            #expect(judged + apart == 30, "\(h)")
        }
    }

    /// A step after an unbind that must succeed in every run: it never does, every iteration.
    @Test func anOutcomeOutsideExpectAndReachableFails() throws {
        let s = try ScenarioParser.parse("""
            schema: devmodel/scenario@1
            name: must-hold-broken
            board:
              gpio_chips:
                - {name: gpio-sim.0, num_lines: 4}
            actors:
              admin:
                - unbind: gpio-sim.0
                  label: gone
              user:
                - open: /dev/gpiochip0
                  after: gone
                  label: late-open
                  expect: {errno: OK}
            """, file: "must-hold-broken.yaml")
        let report = ScenarioTorture.run(s, options: Self.options(iterations: 5))
        #expect(!report.success)
        #expect(report.findings.isEmpty)
        let u = try #require(report.unexpected.first)
        #expect(u.step == "late-open" && u.count == 5 && u.firstIteration == 1, "\(report.lines)")
        #expect(report.lines.last == "FAILURE")
    }

    /// A reader that sleeps for an edge nobody sends: every iteration is a hang at the
    /// scenario's timeout (the watchdog), reported once per iteration with where it stuck.
    @Test func aHangIsAFindingOfEveryIteration() throws {
        let s = try ScenarioParser.parse("""
            schema: devmodel/scenario@1
            name: sleeps-forever
            timeout: 50ms
            board:
              gpio_chips:
                - {name: gpio-sim.0, num_lines: 4}
            actors:
              reader:
                - open: /dev/gpiochip0
                  as: chip
                - request_lines: {file: chip, offsets: [1], consumer: reader, edges: true}
                  as: req
                - read: req
                  label: forever
            """, file: "sleeps-forever.yaml")
        let report = ScenarioTorture.run(s, options: Self.options(iterations: 2))
        #expect(!report.success)
        let hang = try #require(report.findings.first { $0.kind == "hang" })
        #expect(hang.count == 2 && hang.firstIteration == 1, "\(report.lines)")
        #expect(hang.firstExample.contains("[forever]"), "\(hang.firstExample)")
        #expect(report.outcomes.first?.counts == ["unfinished": 2])
        #expect(report.unexpected.isEmpty)
    }

    @Test func stepsAfterAnEarlierFailureAreCountedApart() {
        var tally = ScenarioTortureTally(AdmissibleOutcomes(Scenario(name: "t", actors: [
            ActorSpec(name: "a", steps: [StepSpec(.close(file: "f")), StepSpec(.close(file: "g"), label: "second",
                                                                              expect: StepExpectation(errno: "OK"))]),
        ])))
        let failed = tally.add(iteration: 1, steps: [
            Self.outcome(actor: "a", index: 0, label: nil, errno: "EBADF"),
            Self.outcome(actor: "a", index: 1, label: "second", errno: "EBADF"),
        ], findings: [])
        #expect(!failed)
        #expect(tally.histograms.first?.afterEarlierFailure == ["EBADF": 1])
        #expect(tally.unexpected.isEmpty)
    }

    static func outcome(actor: String, index: Int, label: String?, errno: String?) -> StepOutcome {
        StepOutcome(actor: actor, index: index, label: label, action: "close", errno: errno, message: nil, returns: nil,
                    revents: nil, blocked: false, startNanoseconds: 0, endNanoseconds: 1, finished: true)
    }

    /// The negative control: a character device without revocation, its state in devres
    /// memory (``LegacyEchoDriver``), added to each iteration's board through the package
    /// hook. A write that passed the check while the unbind freed the memory is a use after
    /// unbind (of freed devres memory); the run stops at the first one. (The race is real: the cap is far beyond the few
    /// iterations it takes.)
    @Test func aBuggyDesignIsCaught() throws {
        let s = Scenario(name: "legacy-echo-unbind", actors: [
            ActorSpec(name: "writer", steps: [StepSpec(.open(path: "/dev/legacy-echo0", nonblocking: false), as: "echo"),
                                              StepSpec(.write(file: "echo", data: "hello"), label: "write")]),
            ActorSpec(name: "admin", steps: [StepSpec(.unbind(device: "legacy-echo.0"))]),
        ])
        var options = Self.options(iterations: 5_000)
        options.stopAtFirstFailure = true
        let report = ScenarioTorture.run(s, options: options) { execution in
            let sim = execution.board.sim
            try sim.kernel.registerDriver(LegacyEchoDriver(namespace: sim.dev), on: sim.platform)
            let device = sim.platformDevice("legacy-echo.0", compatible: ["legacy-echo"])
            do {
                try sim.kernel.register(device)
            } catch {
                try? device.put()
                throw error
            }
        }
        #expect(!report.success)
        #expect(report.setupError == nil, "\(report.lines)")
        // Devres memory freed by the unbind, then written: KASAN's use-after-free, named for devres.
        #expect(report.findings.contains { $0.kind == "use-after-unbind" || $0.kind == "use-after-free" }, "\(report.lines)")
        #expect(report.iterations < 5_000)
    }
}

/// The fixed designs of the bug classes, described in scenario files: their actors on real
/// threads, iteration after iteration, give no finding and no inadmissible outcome.
@Suite struct DescribedClassesTortureTests {
    static var fixedPairs: [String] {
        let dir = ScenarioTortureTests.scenarios.appendingPathComponent("classes").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".fixed.yaml") }.sorted().map { "classes/\($0)" }
    }

    @Test(arguments: fixedPairs)
    func fixedDesignIsClean(_ name: String) throws {
        let report = ScenarioTorture.run(try ScenarioTortureTests.example(name), options: ScenarioTortureTests.options(iterations: 20))
        #expect(report.success, "\(report.lines)")
    }
}
