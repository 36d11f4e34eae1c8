import Foundation
import ScenarioExecution
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// The bug classes' example pairs under `Scenarios/classes/`, each a described driver in its
/// buggy and its fixed form: the buggy one run shows exactly the finding kinds it names and
/// the explorer finds a failing schedule with them; the fixed one runs clean and explores
/// clean at two preemptions. A broken interpreter (a missed free, a check that does not
/// check) fails one side or the other.
@Suite struct ClassPairTests {
    static let directory = ExampleSweepTests.directory.appendingPathComponent("classes")

    static var pairs: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return Set(names.compactMap { n -> String? in
            n.hasSuffix(".buggy.yaml") ? String(n.dropLast(".buggy.yaml".count)) : nil
        }).sorted()
    }

    static func load(_ pair: String, _ variant: String) throws -> Scenario {
        try ScenarioFile.load(directory.appendingPathComponent("\(pair).\(variant).yaml").path)
    }

    @Test func everyBuggyFileHasItsFixedOne() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".yaml") }
        #expect(Self.pairs.count >= 1)
        #expect(names.count == 2 * Self.pairs.count, "\(names.sorted())")
    }

    @Test(arguments: pairs)
    func buggyIsCaughtWithItsKinds(_ pair: String) throws {
        let s = try Self.load(pair, "buggy")
        #expect(!s.expect.findingKinds.isEmpty, "a buggy example names the finding kinds it shows")
        let run = ScenarioRunner.run(s)
        let failed = run.expectations.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }
        #expect(failed.isEmpty, "\(failed)")
        let explored = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        let reasons = explored.failures.flatMap(\.reasons).joined(separator: "\n")
        for kind in s.expect.findingKinds {
            #expect(reasons.contains(kind), "the explorer did not find \(kind) in \(pair)")
        }
    }

    @Test(arguments: pairs)
    func fixedRunsAndExploresClean(_ pair: String) throws {
        let s = try Self.load(pair, "fixed")
        #expect(s.expect.findings == 0)
        let run = ScenarioRunner.run(s)
        let failed = run.expectations.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }
        #expect(failed.isEmpty, "\(failed)")
        let explored = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(explored.complete)
        #expect(explored.failures.isEmpty, "\(explored.failures.first.map { "\($0.reasons) \($0.replay)" } ?? "")")
    }
}

extension ClassPairTests {
    /// Scenarios/README.md promises each example file is under 60 lines: short enough to read
    /// in one screen and copy.
    @Test func everyExampleIsUnderSixtyLines() throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.directory.path) where name.hasSuffix(".yaml") {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
            #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count <= 60, "\(name)")
        }
    }
}
