import DriverCore
import Instrumentation
import Revocable

/// Interrupt lines of a described world: `request_irq`, `free_irq`, and the hardware raising
/// a line (the scenario step `irq: N`).
///
/// A handler runs inside its line's fence; `free_irq` revokes it, which waits for a handler
/// in flight (kernel/irq/manage.c's `synchronize_irq` in `__free_irq`) — after it returns no
/// handler runs. What a handler touches is checked like any other described step, so a
/// handler that outlives its data (class P14) is a use after free with its trail.
struct IRQAction: Sendable {
    let handler: String
    let argument: Value?
    let device: Device?
    let fence: Revocable<Bool>
}

extension DescribedWorld {
    /// Runs the handler requested on `line`, if any, on the calling thread.
    public func raise(line: Int) {
        guard let action = irqs.withLock({ $0[line] }) else { return }
        action.fence.withAccess { (live: Bool?) in
            guard live != nil else { return }
            var frame = Frame(context: CallPath("irq \(line) → \(action.handler)"), device: action.device,
                              locals: action.argument.map { ["self": $0] } ?? [:])
            frame.holder = nil
            try? Interpreter(world: self).runFunction(description.functions[action.handler] ?? [], &frame)
        }
    }

    func freeIRQ(line: Int) throws(DescribedError) {
        guard let action = irqs.withLock({ $0.removeValue(forKey: line) }) else {
            throw .invalid("free_irq(\(line)): trying to free an already-free IRQ")
        }
        _ = try? action.fence.revoke(site: .model)
    }
}

extension Interpreter {
    func requestIRQ(line: Int, handler: String, argument: Value?, managed: Bool, _ frame: Frame) throws(DescribedError) {
        let action = IRQAction(handler: handler, argument: argument, device: frame.device,
                               fence: Revocable(true, name: "irq \(line)", events: world.kernel.events))
        let taken = world.irqs.withLock { irqs -> Bool in
            if irqs[line] != nil { return true }
            irqs[line] = action
            return false
        }
        if taken { throw .errno(.EBUSY, "request_irq(\(line)): the line is taken") }
        guard managed else { return }
        guard let device = frame.device else { throw .invalid("devm_request_irq with no bound device") }
        let world = self.world
        do {
            try device.devres.addAction(ActionKey("devm_request_irq \(line)")) { try? world.freeIRQ(line: line) }
        } catch {
            try? world.freeIRQ(line: line)
            throw .errno(.ENOMEM, "devm_request_irq(\(line)) failed: \(error)")
        }
    }
}
