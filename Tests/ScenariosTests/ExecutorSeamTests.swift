import CharDev
import DriverCore
import Instrumentation
import Testing
@testable import ScenarioExecution
@testable import ScenarioModel

/// The pieces an explorer reuses without the threaded runner: the board builder, the step
/// executor with its own environment, and the evaluator over outcomes.
@Suite struct ExecutorSeamTests {
    final class Sequential: StepEnvironment, @unchecked Sendable {
        let handles = Locked<[String: OpenFile]>([:])
        func handle(_ name: String) -> OpenFile? { handles.withLock { $0[name] } }
        func setHandle(_ name: String, _ file: OpenFile) { handles.withLock { $0[name] = file } }
        func sleep(nanoseconds: UInt64) {}
        func waitBlocked(actor: String, label: String) -> Bool { false }
    }

    /// Runs every actor's steps one after another on this thread, in actor order.
    static func runSequentially(_ s: Scenario) throws -> (steps: [StepOutcome], expectations: [ExpectationResult]) {
        let recorder = EventRecorder()
        let kernel = Kernel()
        kernel.events.attach(recorder)
        let board = try ScenarioBoard.build(s.board, kernel: kernel)
        let executor = StepExecutor(board: board, environment: Sequential())
        var steps: [StepOutcome] = []
        var clock: UInt64 = 0
        for actor in s.actors {
            for (i, step) in actor.steps.enumerated() {
                let effect = executor.perform(step) {}
                clock += 1
                steps.append(StepOutcome(actor: actor.name, index: i, label: step.label, action: step.action.summary,
                                         errno: effect.errno?.name, message: effect.message, returns: effect.returns,
                                         revents: effect.revents?.names, blocked: false,
                                         startNanoseconds: clock, endNanoseconds: clock, finished: true))
            }
        }
        let events = recorder.events.map {
            EventRecord(sequence: $0.sequence, timeNanoseconds: 0, kind: $0.kind.rawValue, object: $0.objectName,
                        detail: $0.detail, site: "", actor: nil)
        }
        return (steps, ExpectationEvaluator.evaluate(s, steps: steps, findings: [], events: events))
    }

    @Test func aSequentialExecutorGetsTheSameVerdicts() throws {
        for name in ["devres-order.yaml", "deferred-probe.yaml", "driver-override.yaml", "device-links.yaml"] {
            let s = try Examples.load(Examples.directory.appendingPathComponent(name))
            let (_, verdicts) = try Self.runSequentially(s)
            #expect(!verdicts.isEmpty)
            let failed = verdicts.filter { !$0.passed }
            #expect(failed.isEmpty, "\(name): \(failed)")
        }
    }

    @Test func aSequentialExecutorSeesFailuresToo() throws {
        var s = try Examples.load(Examples.directory.appendingPathComponent("devres-order.yaml"))
        s.actors[0].steps[1].expect.errno = "OK"   // a second unbind is ENODEV
        let (_, verdicts) = try Self.runSequentially(s)
        #expect(verdicts.filter { !$0.passed }.map(\.detail) == ["got ENODEV (device 'widget.0' is not bound to a driver)"])
    }
}
