import CharDev
import DriverCore
import Foundation
import Instrumentation

/// The torture's own device, built to check rcutorture's invariant on driver data: every
/// binding's data carries a generation number, and no access may observe a generation whose
/// revoke had completed (``GenerationLedger``).
///
/// The data is reached two ways, each checked:
/// - by programs through `/dev/torture-gen0`, a ``CharDevice`` (the data behind its fence);
/// - by an in-kernel consumer through the driver's own fence around the data
///   (``GenerationConsumer``; the shape of gpiolib's SRCU-protected chip pointer), holding a
///   reference on the data while it finishes with it.
///
/// Unbind, newest devres first: revoke the consumer fence, unregister the node (revoking its
/// fence), then record the generation's revoke as completed and drop the binding's reference
/// (the data's memory goes at the last put, wherever that happens).
final class GenerationDriver: DeviceDriver {
    let name = "torture-gen"
    let idTable = ["torture-gen"]
    let namespace: DevNamespace
    let parts: GenerationParts
    let ledger = GenerationLedger()
    let consumer: GenerationConsumer
    /// How long a file read stays inside the fence, microseconds: the window a revoke that
    /// does not wait would land in.
    static let readWork: UInt32 = 50

    init(namespace: DevNamespace, parts: GenerationParts) {
        self.namespace = namespace
        self.parts = parts
        consumer = GenerationConsumer(ledger: ledger)
    }

    final class FileOps: FileOperations {
        let state: GenerationState
        let ledger: GenerationLedger
        init(state: GenerationState, ledger: GenerationLedger) {
            self.state = state
            self.ledger = ledger
        }

        /// Reads the generation: observed, worked on, checked — all inside the node's fence.
        func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
            let g: UInt64
            do { g = try state.memory.get() } catch { throw FileError(.EIO, error.description) }
            usleep(GenerationDriver.readWork)
            ledger.record(observed: g)
            return withUnsafeBytes(of: g.littleEndian) { Array($0.prefix(maxBytes)) }
        }
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let kernel = device.device.kernel
        let (namespace, parts, ledger, consumer) = (self.namespace, self.parts, self.ledger, self.consumer)
        let g = ledger.nextGeneration()
        try ProbeError.mapping {
            let memory = ModelMemory(g, name: "torture-gen data #\(g)", events: kernel.events)
            let reference = parts.refcount(kernel, "torture-gen data #\(g)") { try? memory.free() }
            let state = GenerationState(generation: g, memory: memory, reference: reference)
            // Runs last at unbind: after both fences were revoked, nothing may still see `g`.
            try device.devres.addActionOrReset(ActionKey("torture_gen_end", data: reference)) {
                ledger.revokeCompleted(g)
                reference.put()
            }
            let cdev = try CharDevice.register(name: "torture-gen0", parent: device.device, namespace: namespace,
                                               operations: FileOps(state: state, ledger: ledger))
            try device.devres.addActionOrReset(ActionKey("cdev_device_del", data: cdev)) { cdev.unregister() }
            let fence = parts.fence(state, kernel.events)
            consumer.attach(fence)
            // Runs first at unbind: the consumer path closes while the node is still published.
            try device.devres.addActionOrReset(ActionKey("revoke(torture-gen data)", data: fence)) {
                consumer.detach(fence)
                fence.revoke()
            }
        }
    }
}

/// An in-kernel consumer's handle on the torture device: it outlives bindings (like a GPIO
/// descriptor's `gpio_device`) and reaches the current binding's data through its fence.
final class GenerationConsumer: Sendable {
    let ledger: GenerationLedger
    private let current = Locked<(any GenerationFence)?>(nil)

    init(ledger: GenerationLedger) { self.ledger = ledger }

    func attach(_ fence: any GenerationFence) { current.withLock { $0 = fence } }

    func detach(_ fence: any GenerationFence) {
        current.withLock { if $0 === fence { $0 = nil } }
    }

    /// One access: enter the fence, take a reference on the data, read its generation, work
    /// for `work` µs, check the pipe — all inside; then, outside, finish with the data under
    /// the reference and drop it. "OK", or "ENODEV" when the device is unbound.
    func access(work: UInt32) -> String {
        guard let fence = current.withLock({ $0 }) else { return "ENODEV" }
        let held = fence.withAccess { (state: GenerationState?) -> GenerationState? in
            guard let state, state.reference.tryGet() else { return nil }
            guard let g = try? state.memory.get() else {
                state.reference.put()
                return nil
            }
            if work > 0 { usleep(work) }
            ledger.record(observed: g)
            return state
        }
        guard let held else { return "ENODEV" }
        // Still valid here: our reference keeps the memory (its release frees it).
        _ = try? held.memory.get()
        held.reference.put()
        return "OK"
    }
}
