import Instrumentation
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// Schedule counts that can be computed by hand.
@Suite struct KnownAnswerTests {
    /// Two actors with `k` steps each that touch nothing: every step start is a decision.
    /// Their sleeps differ, so they are not interchangeable (see ``identicalActorsAreExploredOnce(_:)``).
    static func independent(_ k: Int, identical: Bool = false) -> Scenario {
        Scenario("independent \(k)\(identical ? " identical" : "")") {
            ActorSpec("a") { for _ in 0..<k { StepSpec.sleep(nanoseconds: 1) } }
            ActorSpec("b") { for _ in 0..<k { StepSpec.sleep(nanoseconds: identical ? 1 : 2) } }
        }
    }

    /// Identical actors: the schedules where b starts first mirror those where a does, so
    /// half of C(2k, k) remain; with `identicalActorsOnce` off, all of them.
    @Test(arguments: [1, 2, 3])
    func identicalActorsAreExploredOnce(_ k: Int) {
        let s = Self.independent(k, identical: true)
        #expect(Explorer(scenario: s).explore(strategy: .exhaustive(reduction: false)).executions == Self.binomial(2 * k, k) / 2)
        var all = Explorer(scenario: s)
        all.options.identicalActorsOnce = false
        let r = all.explore(strategy: .exhaustive(reduction: false))
        #expect(r.executions == Self.binomial(2 * k, k))
        #expect(Symmetry.classes(of: s) == [[0, 1]])
        #expect(Symmetry.classes(of: Self.independent(k)).isEmpty)
    }

    /// Handles of their own, numbered in order, do not tell actors apart; a shared handle,
    /// a label or a different step does.
    @Test func symmetryNeedsOwnHandlesAndNoLabels() throws {
        func classes(_ actors: String) throws -> [[Int]] {
            Symmetry.classes(of: try ScenarioParser.parse("""
                schema: devmodel/scenario@1
                name: sym
                board:
                  gpio_chips:
                    - {name: gpio-sim.0, num_lines: 4}
                actors:
                \(actors)
                """, file: "sym.yaml"))
        }
        let own = """
              r1:
                - open: /dev/gpiochip0
                  as: c1
                - ioctl: {file: c1, request: chip_info}
              r2:
                - open: /dev/gpiochip0
                  as: c2
                - ioctl: {file: c2, request: chip_info}
              admin:
                - unbind: gpio-sim.0
            """
        #expect(try classes(own) == [[0, 1]])
        #expect(try classes(own.replacingOccurrences(of: "as: c2", with: "as: c2\n      label: x")) == [])
        #expect(try classes(own.replacingOccurrences(of: "file: c2, request: chip_info", with: "file: c2, request: line_info, offset: 1")) == [])
    }

    static func binomial(_ n: Int, _ k: Int) -> Int {
        (0..<k).reduce(1) { $0 * (n - $1) / ($1 + 1) }
    }

    @Test(arguments: [1, 2, 3, 4])
    func exhaustiveCountIsTheBinomial(_ k: Int) {
        let r = Explorer(scenario: Self.independent(k)).explore(strategy: .exhaustive(reduction: false))
        #expect(r.executions == Self.binomial(2 * k, k))
        #expect(r.failures.isEmpty)
        #expect(r.complete)
    }

    /// With two threads, a schedule of r ≥ 2 runs has r − 2 preemptions (the switch after a
    /// thread's last run is not one); cutting k = 3 steps into runs gives 2, 4, 8, 4, 2
    /// schedules with r = 2…6, so 2, 6, 14, 18, 20 schedules for bounds 0…4.
    @Test(arguments: [(0, 2), (1, 6), (2, 14), (3, 18), (4, 20)])
    func boundedCounts(_ bound: Int, _ expected: Int) {
        let r = Explorer(scenario: Self.independent(3)).explore(strategy: .preemptionBounded(maxPreemptions: bound))
        #expect(r.executions == expected)
    }

    @Test func randomIsDeterministicForASeed() {
        let e = Explorer(scenario: Self.independent(3))
        let x = e.explore(strategy: .random(seed: 7, executions: 30))
        let y = e.explore(strategy: .random(seed: 7, executions: 30))
        #expect(x.executions == 30)
        #expect(x.outcomes == y.outcomes)
    }
}

/// The exploration's limits.
@Suite struct LimitTests {
    @Test func maxExecutionsStopsAndSaysSo() {
        var e = Explorer(scenario: KnownAnswerTests.independent(4))
        e.maxExecutions = 5
        let r = e.explore(strategy: .exhaustive(reduction: false))
        #expect(r.executions == 5)
        #expect(!r.complete)
        // A cap equal to the size of the space is not hit: the search is complete.
        e.maxExecutions = Int.max
        let all = e.explore(strategy: .exhaustive(reduction: false)).executions
        e.maxExecutions = all
        let exact = e.explore(strategy: .exhaustive(reduction: false))
        #expect(exact.executions == all && exact.complete)
    }

    @Test func stopAtFirstFailureStopsWithTheFewestPreemptions() throws {
        var e = Explorer(program: HangTests.abba)
        e.stopAtFirstFailure = true
        let r = e.explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(r.failingExecutions == 1)
        #expect(try #require(r.failures.first).preemptions == 1)
        // Stopping early is the point, counted in executions (time is the benchmarks' business).
        e.stopAtFirstFailure = false
        let all = e.explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(r.executions < all.executions, "\(r.executions) of \(all.executions)")
    }
}

/// `--estimate`: Knuth's estimator against the exact counts above.
@Suite struct EstimateTests {
    @Test func boundZeroIsExact() {
        let e = Explorer(scenario: KnownAnswerTests.independent(3)).estimate(strategy: .preemptionBounded(maxPreemptions: 0), probes: 20)
        #expect(e.schedules == 2)
        #expect(e.standardError == 0)
    }

    @Test(arguments: [(ExplorationStrategy.preemptionBounded(maxPreemptions: 2), 14.0),
                      (.exhaustive(reduction: false), 20.0)])
    func estimatesAreCloseToTheExactCount(_ strategy: ExplorationStrategy, _ exact: Double) {
        let e = Explorer(scenario: KnownAnswerTests.independent(3)).estimate(strategy: strategy, probes: 300, seed: 9)
        #expect(abs(e.schedules - exact) / exact < 0.25, "\(e.description)")
        #expect(e.probes == 300)
        #expect(e.description.contains("schedules"))
    }

    /// A real scenario, where a uniform walk would underestimate tenfold (the weights keep
    /// the preemption budget for later decisions).
    @Test func aRacingExampleIsEstimatedWithinAQuarter() throws {
        let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent("gpio-blocked-reader-unbind.yaml").path)
        let strategy = ExplorationStrategy.preemptionBounded(maxPreemptions: 2)
        let exact = Double(Explorer(scenario: s).explore(strategy: strategy).executions)
        let e = Explorer(scenario: s).estimate(strategy: strategy, probes: 1000, seed: 4)
        #expect(abs(e.schedules - exact) / exact < 0.25, "estimate \(e.description), exact \(exact)")
    }

    @Test func randomNeedsNoEstimate() {
        let e = Explorer(scenario: KnownAnswerTests.independent(3)).estimate(strategy: .random(seed: 1, executions: 77))
        #expect(e.schedules == 77)
        #expect(e.probes == 0)
    }
}
