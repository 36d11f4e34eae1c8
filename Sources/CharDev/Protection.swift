import Instrumentation
import Revocable
import Synchronization

/// How a character device protects its driver's operations from calls that outlive the
/// driver.
public enum Protection: Sendable, Equatable {
    /// The design: every call inside a `Revocable` fence; unregister waits for calls in
    /// flight. After it returns, no call can reach the driver.
    case revocable
    /// **Broken on purpose** — the legacy pattern the kernel had before its fixes (classes P2/P3 of Docs/bug-classes.md:
    /// "check then use", spidev before `a720416d9463`, gpiolib before `bdbbae241a04`): a call
    /// checks a "gone" flag and then uses the operations with nothing stopping unregister in
    /// between, and unregister waits for nobody. Exists so the proof tools and benchmarks can
    /// show what the fence buys (a negative control, like the kernel's `rcu_busted`). No real
    /// subsystem uses it.
    case legacyUnfenced
    /// **Broken on purpose** — the older pattern still (class P2, gpiolib before `533aae7c94db`):
    /// no check at all; every call reaches the operations even after unregister, whatever
    /// they point at. For the real-bug corpus only.
    case legacyUnchecked
}

/// The fence, or its absence.
enum OperationsGuard: Sendable {
    case fenced(Revocable<any FileOperations>)
    case unfenced(any FileOperations, gone: GoneFlag)
    case unchecked(any FileOperations)

    init(_ operations: any FileOperations, protection: Protection, name: String, events: EventStream) {
        switch protection {
        case .revocable: self = .fenced(Revocable(operations, name: "cdev \(name)", events: events))
        case .legacyUnfenced: self = .unfenced(operations, gone: GoneFlag())
        case .legacyUnchecked: self = .unchecked(operations)
        }
    }

    @inline(__always)
    func withAccess<R, E: Error>(_ body: ((any FileOperations)?) throws(E) -> R) throws(E) -> R {
        switch self {
        case .fenced(let fence):
            return try fence.withAccess(body)
        case .unfenced(let ops, let gone):
            // The check and the use are separate steps: an unregister can complete between them.
            return try body(gone.isSet ? nil : ops)
        case .unchecked(let ops):
            return try body(ops)
        }
    }

    /// Closes the fence and waits for calls in flight (fenced), or just sets the flag.
    func revoke(site: CallSite) {
        switch self {
        case .fenced(let fence): _ = try? fence.revoke(site: site)
        case .unfenced(_, let gone): gone.set()
        case .unchecked: break
        }
    }
}

/// The legacy pattern's "still registered?" flag: one relaxed load, the cheapest check there
/// is, so the unfenced baseline is not slowed by anything the fence would not also pay.
final class GoneFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
