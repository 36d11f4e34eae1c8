import DriverCore
import Instrumentation
import Sanitizer
import ScenarioExecution
import ScenarioModel

/// One run of a scenario sweep: the board built and the actors run with the fault injector
/// armed, then the checks of ``ScenarioFaultSweep``.
enum ScenarioRunCheck {
    /// What the fault-free run establishes: the points, the bindings a rebind must restore,
    /// and its own problems.
    struct Reference {
        /// Descriptions, numbered across both phases.
        var points: [String] = []
        var boardPoints = 0
        /// Device → driver, for every device bound once the board was built, in board order.
        var bindings: [(device: String, driver: String)] = []
        var problems: [String] = []
    }

    /// The fault-free run: counts the points of the board build, then of the actors (the
    /// injector is re-armed in between, so the two lists are told apart).
    static func faultFree(_ scenario: Scenario, prepare: Prepare) -> Reference {
        var reference = Reference()
        let (execution, kernel, sanitizer, boardError) = build(scenario, failAt: nil, prepare: prepare)
        let boardPoints = kernel.faults.disarm().reached
        reference.boardPoints = boardPoints.count
        reference.bindings = kernel.devices.compactMap { d in d.state == .bound ? d.driverName.map { (d.name, $0) } : nil }
        if let boardError { reference.problems.append("board: \(boardError)") }
        kernel.faults.arm(failAt: nil)
        let run = execution.map { ScenarioRunner.runActors(scenario, on: $0) }
        execution?.detach()
        let actorPoints = kernel.faults.disarm().reached
        // The actors' list restarts at #1: renumber it after the board's.
        reference.points = (boardPoints + actorPoints).enumerated().map { i, p in
            "#\(i + 1) " + p.description.drop { $0 != " " }.dropFirst()
        }
        reference.problems += check(kernel, board: execution?.board, sanitizer: sanitizer, run: run, bindings: reference.bindings)
        return reference
    }

    /// The run failing the `failAt`-th point; nil when the run consumed no fault (the sweep is done).
    static func faulted(_ scenario: Scenario, failAt: Int, reference: Reference, prepare: Prepare) -> ScenarioSweepRun? {
        let (execution, kernel, sanitizer, boardError) = build(scenario, failAt: failAt, prepare: prepare)
        let run = execution.map { ScenarioRunner.runActors(scenario, on: $0) }
        execution?.detach()
        guard let injected = kernel.faults.disarm().injected else { return nil }
        let problems = check(kernel, board: execution?.board, sanitizer: sanitizer, run: run, bindings: reference.bindings)
        let phase = execution == nil || injected.index <= reference.boardPoints ? "board" : "actors"
        return ScenarioSweepRun(failAt: failAt, point: injected.description, phase: phase, boardError: boardError,
                                problems: problems)
    }

    /// Runs on each run's context once its board is built, before the actors (counted as
    /// part of the board): the negative-control tests add a broken driver there.
    typealias Prepare = (ExecutionContext) throws -> Void

    /// A fresh context with the injector armed before anything is built, and a sanitizer that
    /// outlives a board that fails to build (the context's own is detached then).
    private static func build(_ scenario: Scenario, failAt: Int?, prepare: Prepare)
        -> (ExecutionContext?, Kernel, Sanitizer, String?) {
        let sanitizer = Sanitizer()
        let kernel = Locked<Kernel?>(nil)
        do {
            let execution = try ExecutionContext(scenario, keeping: []) {
                $0.events.attach(sanitizer)
                $0.faults.arm(failAt: failAt)
                kernel.withLock { [k = $0] in $0 = k }
            }
            do {
                try prepare(execution)
            } catch {
                execution.detach()
                return (nil, execution.kernel, sanitizer, "\(error)")
            }
            return (execution, execution.kernel, sanitizer, nil)
        } catch {
            // `configure` runs before the board is built, so the kernel is always there.
            let k = kernel.withLock { $0 } ?? Kernel()
            return (nil, k, sanitizer, error.message)
        }
    }

    /// The checks after a run (the injector already disarmed).
    static func check(_ kernel: Kernel, board: ScenarioBoard?, sanitizer: Sanitizer, run: ActorRun?,
                      bindings: [(device: String, driver: String)]) -> [String] {
        var problems = run?.hangs.map { "hang: \($0.object) \($0.detail)" } ?? []
        for device in kernel.devices where device.state.isPresent {
            switch device.state {
            case .bound: break
            case .added, .unbound:
                if !device.devres.isEmpty { problems.append("\(device.name) \(device.state) with devres left: \(device.devres.entries.map(\.name))") }
            default: problems.append("\(device.name) left \(device.state)")
            }
        }
        // After a hang an actor's thread may still be inside the model: rebinding or tearing
        // down under it would report its race, not the error path's.
        guard problems.isEmpty || run?.hangs.isEmpty == true else {
            return problems + sanitizer.findings.map { "\($0.kind.rawValue) in \($0.objectName): \($0.message)" }
        }
        problems += rebind(kernel, bindings)
        // A process exit closes what the actors left open; then the board goes.
        for file in run?.files ?? [] where !file.isClosed { try? file.close() }
        // The socket layer goes with the board (its device has no parent for unregisterAll).
        board?.net.unregisterSockets()
        problems += kernel.unregisterAll().map { "tear-down of \($0.device): \($0.error)" }
        // Modules the board loaded go too (rmmod): their text is memory the leak check sees.
        for name in kernel.loadedModules { try? kernel.deleteModule(name) }
        return problems + sanitizer.finish().map { "\($0.kind.rawValue) in \($0.objectName): \($0.message)" }
    }

    /// Unbinds (if bound) and binds again every device the fault-free board had bound. A
    /// deferred probe is retried after each pass that bound something (the deferred-probe
    /// list's rule); one still deferred at the end is a problem only if every device of the
    /// fault-free board is present (a supplier whose registration failed keeps its consumer
    /// deferred, correctly).
    static func rebind(_ kernel: Kernel, _ bindings: [(device: String, driver: String)]) -> [String] {
        var pending = bindings.filter { kernel.device(named: $0.device) != nil }
        var failures: [String: DriverCoreError] = [:]
        var progress = true
        while progress && !pending.isEmpty {
            progress = false
            for (name, driver) in pending {
                guard let device = kernel.device(named: name) else { continue }
                do throws(DriverCoreError) {
                    if device.state == .bound { try kernel.unbind(device) }
                    try kernel.bind(device, to: driver)
                    failures[name] = nil
                    pending.removeAll { $0.device == name }
                    progress = true
                } catch {
                    // The driver went with its module (an actor's delete_module): nothing to restore.
                    if case .unknown(kind: "driver", _, _) = error {
                        pending.removeAll { $0.device == name }
                        continue
                    }
                    failures[name] = error
                }
            }
        }
        let supplierMissing = bindings.count { kernel.device(named: $0.device) == nil } > 0
        return pending.compactMap { name, driver in
            guard let error = failures[name], !(supplierMissing && error.errno == .EPROBE_DEFER) else { return nil }
            return "rebind \(name) to \(driver) failed: \(error)"
        }
    }
}
