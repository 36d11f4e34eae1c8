import Instrumentation

/// **Broken on purpose** — the negative control of `devmodel torture --broken fence` (the
/// kernel ships `rcu_busted` for the same reason: a torture test that cannot fail proves
/// nothing). A fence whose revoke closes the gate and returns at once, without waiting for
/// the accesses already inside: the check-then-use of class P3 (Docs/bug-classes.md) at the level of the fence
/// itself. Under torture, an access that observed a generation is still inside when that
/// generation's revoke completes; the generation check puts it in pipe bucket ≥ 1.
///
/// The data's memory is kept alive by the reference the access holds, so nothing but the
/// generation check can catch this: it shows the check working on its own. Teaching
/// material; nothing outside the torture's negative controls uses it.
final class BustedFence: GenerationFence {
    private let state: GenerationState
    private let revoked = Locked(false)

    init(_ state: GenerationState) { self.state = state }

    func withAccess<R>(_ body: (GenerationState?) -> R) -> R {
        // Checked once, on the way in; nothing stops a revoke from completing after it.
        body(revoked.withLock { $0 } ? nil : state)
    }

    /// The bug: no grace period.
    func revoke() { revoked.withLock { $0 = true } }
}

extension GenerationParts {
    /// The real parts with the fence replaced by ``BustedFence``.
    func withBustedFence() -> GenerationParts {
        GenerationParts(fence: { state, _ in BustedFence(state) }, refcount: refcount)
    }
}
