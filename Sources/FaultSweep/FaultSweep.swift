import DriverCore
import Foundation
import Instrumentation
import Sanitizer
import SimHardware

/// One injected failure and what the model looked like afterwards.
public struct SweepRun: Sendable, Codable {
    public let failAt: Int
    /// The injectable point that failed ("#3 devresAction 'free_irq' on gpio-sim.0 at …").
    public let point: String
    /// What was wrong afterwards; empty when every check held.
    public let problems: [String]
}

/// The sweep of one driver's probe.
public struct SweepResult: Sendable, Codable {
    public let device: String
    public let driver: String
    public let runs: [SweepRun]
    /// The probe's injectable points, in order, from the fault-free run.
    public let points: [String]
    public let seconds: Double
    public var ok: Bool { runs.allSatisfy { $0.problems.isEmpty } }
}

/// fail-nth for the driver model (issue 8): for a driver's probe, fail its 1st, 2nd, …
/// injectable point (devres allocations and actions, object resources, marked probe steps)
/// until a run completes without consuming the fault. After each failure it checks: nothing
/// leaked (devres empty, no child left, every devm allocation freed), nothing released twice
/// and no release out of LIFO order (the sanitizer), the device left unbound, and a clean
/// rebind. Every run uses a fresh board, so runs cannot influence each other.
public enum FaultSweep {
    /// The board's platform drivers, by device.
    public static let boardDrivers = [("regulator-fixed.0", "regulator-fixed"), ("gpio-sim.0", "gpio-sim"),
                                      ("i2c-sim.0", "i2c-sim"), ("spi-sim.0", "spi-sim")]

    public static func sweepBoard() -> [SweepResult] {
        boardDrivers.map { sweep(device: $0.0, driver: $0.1) }
    }

    public static func sweep(device name: String, driver: String, limit: Int = 256) -> SweepResult {
        let start = Date()
        var runs: [SweepRun] = []
        var points: [String] = []
        var failAt = 1
        while failAt <= limit {
            let outcome = oneRun(device: name, driver: driver, failAt: failAt)
            guard let run = outcome.run else {
                points = outcome.reached
                break
            }
            runs.append(run)
            failAt += 1
        }
        return SweepResult(device: name, driver: driver, runs: runs, points: points,
                           seconds: Date().timeIntervalSince(start))
    }

    /// One run with the `failAt`-th point failing; nil run when no fault was consumed.
    static func oneRun(device name: String, driver: String, failAt: Int) -> (run: SweepRun?, reached: [String]) {
        do {
            let board = try SimBoard()
            let sanitizer = Sanitizer(attachingTo: board.kernel)
            try board.populate()
            guard let device = board.kernel.device(named: name) else {
                return (SweepRun(failAt: failAt, point: "-", problems: ["no device \(name) on the board"]), [])
            }
            // The regulator's consumer would be unbound with it anyway; take it out first.
            if name == "regulator-fixed.0", let consumer = board.kernel.device(named: "i2c-sim.0") {
                try board.kernel.unbind(consumer)
            }
            try board.kernel.unbind(device)
            let recorder = EventRecorder(keeping: [.memoryAlloc, .memoryFree])
            board.kernel.events.attach(recorder)
            board.kernel.faults.arm(failAt: failAt)
            _ = try? board.kernel.bind(device, to: driver)
            let (reached, injected) = board.kernel.faults.disarm()
            guard let injected else {
                return (nil, reached.map(\.description))
            }
            var problems: [String] = []
            if device.state != .unbound { problems.append("device left \(device.state)") }
            if !device.devres.isEmpty { problems.append("devres left: \(device.devres.entries.map(\.name))") }
            if !device.children.isEmpty { problems.append("children left: \(device.children.map(\.name))") }
            let allocs = recorder.events(.memoryAlloc).count, frees = recorder.events(.memoryFree).count
            if allocs != frees { problems.append("\(allocs) devm allocations, \(frees) frees") }
            problems += sanitizer.findings.map { "\($0.kind.rawValue): \($0.message)" }
            do {
                try board.kernel.bind(device, to: driver)
            } catch {
                problems.append("rebind failed: \(error)")
            }
            return (SweepRun(failAt: failAt, point: injected.description, problems: problems), [])
        } catch {
            return (SweepRun(failAt: failAt, point: "-", problems: ["board: \(error)"]), [])
        }
    }

    /// CONFIG_DEBUG_TEST_DRIVER_REMOVE over the whole board: every driver probed, fully
    /// removed and probed again; returns the devices that did not end up bound.
    public static func testDriverRemove() -> [String] {
        do {
            let kernel = Kernel()
            kernel.testDriverRemove = true
            let board = try SimBoard(kernel: kernel)
            try board.populate()
            return kernel.devices.filter { $0.bus != nil && $0.state != .bound }.map { "\($0.name) is \($0.state)" }
                + kernel.warnings.map(\.description)
        } catch {
            return ["board: \(error)"]
        }
    }
}
