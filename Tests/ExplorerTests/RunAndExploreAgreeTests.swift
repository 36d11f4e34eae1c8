import DriverCore
import Foundation
import Sanitizer
import ScenarioExecution
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// `devmodel run` and `devmodel explore` execute a scenario through one pipeline
/// (`ExecutionContext`): the same board, the same step loop, findings counted and
/// classified once. These tests fail if either grows its own rule again.
@Suite struct RunAndExploreAgreeTests {
    /// The findings of the explorer's default schedule, recorded in full.
    static func exploredFindings(_ s: Scenario) throws -> [FindingKind] {
        let explorer = Explorer(scenario: s)
        let string = ReplayString(hash: explorer.program.hash, strategy: "pb2", choices: [], thenDefault: true)
        let outcome = try explorer.replay(string.description, tracing: true)
        return try #require(outcome.scenarioTrace).run.findings.map(\.kind)
    }

    @Test func everyExampleFindsTheSameUnderRunAndExplore() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: ExampleSweepTests.directory.path).sorted()
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
        #expect(names.count >= 20)
        for name in names {
            let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent(name).path)
            let ran = ScenarioRunner.run(s).findings.map(\.kind).sorted { $0.rawValue < $1.rawValue }
            let explored = try Self.exploredFindings(s).sorted { $0.rawValue < $1.rawValue }
            #expect(ran == explored, "\(name)")
        }
    }

    /// One bug, one finding, under both: an ioctl on a closed file.
    @Test func oneBugIsOneFindingUnderBoth() throws {
        let s = try ScenarioParser.parse("""
        schema: devmodel/scenario@1
        name: ioctl-after-close
        board:
          gpio_chips:
            - name: gpio-sim.0
              num_lines: 4
        actors:
          user:
            - open: /dev/gpiochip0
              as: chip
            - close: chip
            - ioctl: {file: chip, request: chip_info}
        expect:
          findings: 1
        """, file: "inline.yaml")
        #expect(ScenarioRunner.run(s).findings.map(\.kind) == [.fileAfterClose])
        #expect(try Self.exploredFindings(s) == [.fileAfterClose])
        let r = Explorer(scenario: s).explore()
        #expect(r.failures.isEmpty, "\(r.report)")
    }

    /// A refused put is one `ref.misuse` event and one finding (double-put), not also a
    /// second finding for the event itself, which the explorer used to add.
    @Test func aDoublePutIsOneFinding() throws {
        let s = try ScenarioParser.parse("""
        schema: devmodel/scenario@1
        name: board-only
        board:
          gpio_chips:
            - name: gpio-sim.0
              num_lines: 4
        actors:
          idle:
            - sleep: 1ms
        """, file: "inline.yaml")
        let execution = try ExecutionContext(s)
        let device = Device(kernel: execution.kernel, name: "obj") { _ in }
        try device.put()
        #expect(throws: DriverCoreError.self) { try device.put() }
        execution.detach()
        #expect(execution.findings().map(\.kind) == [.doublePut])
    }
}
