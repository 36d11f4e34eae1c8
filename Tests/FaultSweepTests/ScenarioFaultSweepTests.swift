import DriverCore
import Foundation
import Instrumentation
import ScenarioExecution
import ScenarioModel
import Testing
@testable import FaultSweep

/// `devmodel faults --scenario`: every injectable point of a scenario's board and actors
/// failed once. The verdicts asserted hold whatever the actors' threads do.
@Suite struct ScenarioFaultSweepTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scenarios")

    static func example(_ name: String) throws -> Scenario {
        try ScenarioFile.load(scenarios.appendingPathComponent(name).path)
    }

    /// Includes a failed `device_add` of a board device: the builder must put the device's
    /// initial reference (it leaked before this sweep existed).
    @Test("a fixed scenario unwinds every fault cleanly",
          arguments: ["calls-race-unbind.yaml", "gpio-irq-unbind.yaml", "deferred-probe.yaml", "usb-hot-unplug-file-open.yaml"])
    func sweepIsClean(_ name: String) throws {
        let result = ScenarioFaultSweep.sweep(try Self.example(name))
        #expect(result.ok, "\(result.faultFreeProblems) \(result.runs.filter { !$0.problems.isEmpty })")
        #expect(result.runs.count >= result.boardPoints && result.boardPoints > 0)
        #expect(result.runs.contains { $0.point.contains("busOperation 'device_add(") && $0.boardError != nil })
    }

    @Test func thePointsOfTheBoardAndOfTheActorsAreToldApart() throws {
        let result = ScenarioFaultSweep.sweep(try Self.example("probe-failure-devres-unwind.yaml"))
        #expect(result.ok)
        #expect(result.points.count > result.boardPoints)
        #expect(result.runs.prefix(result.boardPoints).allSatisfy { $0.phase == "board" })
        // One actor: its points come in the same order every run, so each one failed.
        #expect(result.neverFailed.isEmpty, "\(result.neverFailed)")
        #expect(result.runs.contains { $0.phase == "actors" })
    }

    /// The negative control: a driver that registers the kfree of its buffer as a devres
    /// action only after a later probe step, so a failure at that step leaks the buffer.
    @Test func aLeakOnAProbeErrorPathIsCaught() {
        let broken = ScenarioFaultSweep.sweep(Scenario(name: "leaky-probe"), prepare: Self.addDriver(leaky: true))
        #expect(!broken.ok)
        let bad = broken.runs.filter { !$0.problems.isEmpty }
        #expect(bad.count == 1, "\(bad)")
        #expect(bad.first?.point.contains("probeStep 'enable clock' on leaky.0") == true, "\(bad)")
        #expect(bad.first?.problems.contains { $0.hasPrefix("leaked-memory") } == true, "\(bad)")
        // Its fixed form (the free registered before the step) is clean at every point.
        let fixed = ScenarioFaultSweep.sweep(Scenario(name: "fixed-probe"), prepare: Self.addDriver(leaky: false))
        #expect(fixed.ok, "\(fixed.runs.filter { !$0.problems.isEmpty })")
        #expect(fixed.runs.count == broken.runs.count)
    }

    static func addDriver(leaky: Bool) -> (ExecutionContext) throws -> Void {
        { execution in
            let sim = execution.board.sim
            try sim.kernel.registerDriver(BufferDriver(leaky: leaky, events: sim.kernel.events), on: sim.platform)
            let device = sim.platformDevice("leaky.0", compatible: ["leaky"])
            do {
                try sim.kernel.register(device)
            } catch {
                try? device.put()  // device_register's caller puts on failure
                throw error
            }
        }
    }
}

/// Allocates a buffer with plain kzalloc and frees it from a devres action.
final class BufferDriver: DeviceDriver {
    let name = "leaky"
    let idTable = ["leaky"]
    let leaky: Bool
    let events: EventStream
    init(leaky: Bool, events: EventStream) {
        self.leaky = leaky
        self.events = events
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let buffer = ModelMemory([UInt8](repeating: 0, count: 16), name: "kzalloc(buffer)", events: events)
        let free = { @Sendable in _ = try? buffer.free() }
        if leaky {
            try device.step("enable clock")  // the bug: fails with the buffer not yet owned by devres
            try ProbeError.mapping { try device.devres.addActionOrReset(ActionKey("kfree(buffer)"), free) }
        } else {
            try ProbeError.mapping { try device.devres.addActionOrReset(ActionKey("kfree(buffer)"), free) }
            try device.step("enable clock")
        }
    }
}

/// The fixed designs of the described drivers (the class pairs and the corpus files) have
/// error paths too: every injectable point of their boards and actors unwinds cleanly (their
/// `unwind:` ladders, `devm_add_action_or_reset`, a failed `cdev_device_add` taking nothing).
@Suite struct DescribedFixedDesignsSweepTests {
    static var fixedFiles: [String] {
        ["classes", "bugs"].flatMap { dir -> [String] in
            let path = ScenarioFaultSweepTests.scenarios.appendingPathComponent(dir).path
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.filter { $0.hasSuffix(".fixed.yaml") }.sorted().map { "\(dir)/\($0)" }
        }
    }

    @Test(arguments: fixedFiles)
    func sweepIsClean(_ name: String) throws {
        let result = ScenarioFaultSweep.sweep(try ScenarioFaultSweepTests.example(name))
        #expect(result.ok, "\(result.faultFreeProblems) \(result.runs.filter { !$0.problems.isEmpty }.map(\.problems))")
        #expect(!result.runs.isEmpty)
    }
}
