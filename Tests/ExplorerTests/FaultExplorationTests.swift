import Foundation
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// fail-nth inside the concurrent part of a scenario, with the fault in the replay string.
@Suite struct FaultExplorationTests {
    /// The admin rebinds the controller while a user works on it: the rebind's probe has
    /// injectable points (devres, cdev registration) that fail one by one.
    static let rebind = try! GpioScenarios.parse("rebind-under-faults", """
        actors:
          user:
            - open: /dev/gpiochip0
              as: chip
            - ioctl: {file: chip, request: chip_info}
            - close: chip
          admin:
            - unbind: gpio-sim.0
            - bind: {device: gpio-sim.0, driver: gpio-sim}
              expect: {errno: OK}
        expect:
          findings: 0
        """)

    @Test func everyPointOfTheRebindFailsOnceAndTheDesignHoldsUp() {
        let fx = Explorer(scenario: Self.rebind).exploreFaults(strategy: .preemptionBounded(maxPreemptions: 0))
        #expect(fx.complete)
        #expect(fx.runs.count > 2, "\(fx.report)")
        #expect(fx.runs.dropLast().allSatisfy { $0.result.faultInjections > 0 })
        #expect(fx.runs.last?.result.faultInjections == 0)
        #expect(fx.passed, "\(fx.report)")
        #expect(fx.report.contains("every injectable point swept"))
    }

    @Test func theFaultIsPartOfTheReplayString() throws {
        var explorer = Explorer(scenario: Self.rebind)
        let hash = explorer.program.hash
        let faulted = try explorer.replay("dm1:\(hash):pb0:+:f1")
        #expect(faulted.verdict.injectedFault != nil)
        #expect(faulted.replay.hasSuffix(":f1"))
        let plain = try explorer.replay("dm1:\(hash):pb0:+")
        #expect(plain.verdict.injectedFault == nil)
        // Every execution of an exploration with the fault armed reaches it (the rebind
        // always probes).
        explorer.options.failNth = 1
        let r = explorer.explore(strategy: .preemptionBounded(maxPreemptions: 0))
        #expect(r.faultInjections == r.executions)
    }

    @Test(arguments: ["dm1:00:pb2:a:f0", "dm1:00:pb2:a:x1", "dm1:00:pb2:a:f", "dm1:00:pb2:a:f1:g"])
    func malformedFaultFieldsAreRejected(_ text: String) {
        #expect(throws: ReplayError.self) { try ReplayString(parsing: text) }
    }

    @Test func faultFieldsRoundTrip() throws {
        let s = ReplayString(hash: "00ff", strategy: "pb2", choices: [0, 1], thenDefault: true, fault: 7)
        #expect(s.description == "dm1:00ff:pb2:ab+:f7")
        #expect(try ReplayString(parsing: s.description) == s)
    }
}

/// Every example survives a fault at each injectable point of its concurrent part (bound 0):
/// nothing hangs, no finding, and no error path leaks a reference (two did: a replugged USB
/// device and a USB interface whose device_add failed).
@Suite struct ExampleFaultTests {
    @Test func everyExampleUnwindsEveryFaultOfItsConcurrentPart() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: ExampleSweepTests.directory.path).sorted()
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
        var swept = 0
        for name in names {
            let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent(name).path)
            let fx = Explorer(scenario: s).exploreFaults(strategy: .preemptionBounded(maxPreemptions: 0))
            #expect(fx.complete, "\(name)")
            #expect(fx.passed, "\(name):\n\(fx.report)")
            swept += fx.runs.count - 1
        }
        #expect(swept > 20, "fault points swept over all examples: \(swept)")
    }
}
