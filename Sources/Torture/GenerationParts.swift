import DriverCore
import Instrumentation
import Revocable

/// One binding's driver data of the torture device: its generation, in memory that only the
/// data's own release frees (plain `kzalloc` behind a refcount, the fix of class P1 in Docs/bug-classes.md).
final class GenerationState: Sendable {
    let generation: UInt64
    let memory: ModelMemory<UInt64>
    let reference: any GenerationRefcount

    init(generation: UInt64, memory: ModelMemory<UInt64>, reference: any GenerationRefcount) {
        self.generation = generation
        self.memory = memory
        self.reference = reference
    }
}

/// The fence an in-kernel consumer reaches the driver data through (gpiolib's SRCU-protected
/// chip pointer, drivers/gpio/gpiolib.c since `d83cee3d2bb1`). `revoke` must not return while an access that saw the data is
/// still inside: that is what the generation check tests.
protocol GenerationFence: AnyObject, Sendable {
    /// `body` gets the data, or nil once revoked.
    func withAccess<R>(_ body: (GenerationState?) -> R) -> R
    func revoke()
}

/// The driver data's reference count: the binding holds one, every consumer access one more
/// for as long as it uses the data; the last put frees the memory.
protocol GenerationRefcount: AnyObject, Sendable {
    /// Takes a reference (from inside the fence, where the binding's reference is still held);
    /// false if the object was already released.
    func tryGet() -> Bool
    func put()
}

/// Which fence and refcount the torture device is built from: the real ones, or negative
/// controls (``Torture`` picks by ``TortureOptions/broken``).
struct GenerationParts: Sendable {
    let fence: @Sendable (GenerationState, EventStream) -> any GenerationFence
    let refcount: @Sendable (Kernel, String, @escaping @Sendable () -> Void) -> any GenerationRefcount

    /// The design: ``Revocable`` and the driver core's reference count.
    static let real = GenerationParts(fence: { RevocableGenerationFence($0, events: $1) },
                                      refcount: { DeviceGenerationRefcount(kernel: $0, name: $1, release: $2) })
}

/// The real fence.
final class RevocableGenerationFence: GenerationFence {
    let revocable: Revocable<GenerationState>
    init(_ state: GenerationState, events: EventStream) {
        revocable = Revocable(state, name: "torture-gen data", events: events)
    }
    func withAccess<R>(_ body: (GenerationState?) -> R) -> R { revocable.withAccess(body) }
    func revoke() { _ = try? revocable.revoke() }
}

/// The real refcount: a `Device` used as a kref (initialised, never added), whose release
/// runs exactly once at the final put.
final class DeviceGenerationRefcount: GenerationRefcount {
    let device: Device
    init(kernel: Kernel, name: String, release: @escaping @Sendable () -> Void) {
        device = Device(kernel: kernel, name: name) { _ in release() }
    }
    func tryGet() -> Bool { (try? device.get()) != nil }
    func put() { try? device.put() }
}
