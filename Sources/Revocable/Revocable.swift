import CShim
import Instrumentation
import Synchronization

/// A resource that its provider can take away while others still hold handles to it.
///
/// Every use happens inside an *access*: a closure that receives the resource, or `nil` once
/// it is revoked. ``revoke(site:)-3iojk`` closes the fence, waits for the accesses that were already
/// inside (and only those: not for later ones, not for readers of other revocables), then tears
/// the resource down exactly once.
///
/// ```swift
/// let gpio = Revocable(GPIOChip(), name: "gpiochip0")
/// let value = gpio.withAccess { chip in chip?.read(line: 3) }       // Int? — nil once revoked
/// try gpio.withAccessOrENODEV { chip in chip.write(line: 3, 1) }     // throws .revoked (ENODEV)
/// try gpio.revoke()                                                 // waits for the accesses inside
/// ```
///
/// **Guarantees.** Inside one access the resource is present for the whole access or absent
/// for the whole access. After `revoke` returns, no access can see the resource and every access
/// that saw it has left. Accesses may sleep and may nest. A handle is a class reference: copying
/// or sharing it between threads is harmless, and each access keeps its state on its own thread.
///
/// **Costs.** An access is about one nanosecond (a store to a per-thread slot, a compiler barrier,
/// one load of the revocable's state, a store on leaving; no shared cache line is written). A
/// revoke costs one `membarrier` system call plus a scan of the per-thread records (one per
/// thread that ever read any revocable), independent of how many revocables exist; it blocks
/// while accesses that were inside are still inside. Memory: 64 bytes per revocable (with a
/// word-sized resource and no name, event stream or teardown closure).
///
/// `Sendable` when `Resource` is, because the teardown may run on any thread (Rust's
/// `Revocable<T>` requires `T: Send` for the same reason).
public final class Revocable<Resource> {
    /// Bit 0: revoked (fence closed). Bit 1: torn down (grace period over). Bit 2: someone waits
    /// for bit 1.
    @usableFromInline let _state: Atomic<UInt>
    /// Identity for events and scheduling points.
    public let id: ObjectID
    /// Written once, by the teardown, after every access that could read it has left; the
    /// exclusivity check would only cost the fast path.
    @usableFromInline @exclusivity(unchecked) var _resource: Resource?
    /// Name, event stream and teardown closure: allocated only when one is given, so the common
    /// revocable stays at 64 bytes.
    @usableFromInline let _extras: RevocableExtras<Resource>?

    /// Makes `resource` available to accesses until it is revoked.
    ///
    /// - Parameters:
    ///   - resource: what accesses receive until the revocable is revoked.
    ///   - name: shown in events, scheduling points and wait-for reports.
    ///   - events: receives `revocable.*` events (revoke, teardown, refusals).
    ///   - teardown: runs exactly once with the resource: after the grace period of the first
    ///     successful revoke (on the revoking thread, or on the grace-period thread for the
    ///     deferred and async forms), or when the last reference to a never-revoked revocable
    ///     goes away. The resource value itself is released right after it.
    public init(_ resource: Resource, name: String? = nil, events: EventStream? = nil,
                teardown: (@Sendable (Resource) -> Void)? = nil) {
        _state = Atomic(0)
        id = ObjectID.next()
        _resource = resource
        if name != nil || events != nil || teardown != nil {
            _extras = RevocableExtras(name: name ?? "revocable", events: events, teardown: teardown)
        } else {
            _extras = nil
        }
    }

    deinit {
        // No access can be inside: each one holds a reference to `self`.
        if _state.load(ordering: .acquiring) & 1 == 0, let resource = _resource,
           let teardown = _extras?.teardown {
            teardown(resource)
        }
    }

    /// The name given at creation ("revocable" if none).
    public var name: String { _extras?.name ?? "revocable" }

    /// True once a revoke has closed the fence (its grace period may still be running).
    /// A snapshot: use an access to act on the resource.
    public var isRevoked: Bool { _state.load(ordering: .acquiring) & 1 != 0 }

    /// The identity a reader publishes in its per-thread slot. Stable and unique while any
    /// access runs, because every access holds a reference to `self`.
    @inlinable
    var _key: UInt { UInt(bitPattern: ObjectIdentifier(self)) }

    // MARK: - Access (the fast path)

    /// Runs `body` with the resource, or with `nil` once the revocable is revoked.
    ///
    /// The resource is present for the whole of `body` or absent for the whole of it; while
    /// `body` runs with the resource, a `revoke` waits for it to return. `body` may block and may
    /// access other revocables or this one again (nesting). It must not call the synchronous
    /// ``revoke(site:)-3iojk`` on this revocable (that is reported as
    /// ``RevocableError/revokeInsideAccess``).
    ///
    /// Cost: ~1 ns plus `body` (no allocation, no system call, no shared write). Never blocks by
    /// itself. The first access on a thread registers the thread (one lock, one allocation).
    @inlinable
    public func withAccess<R, E: Error>(_ body: (Resource?) throws(E) -> R) throws(E) -> R {
        // Decided once per access, so enter and leave agree and leave needs no second load.
        let announced = Scheduling.isAttached
        let ticket = _slowPath(announced) ? _enterAnnounced() : dm_rev_enter(_key)
        // Memory ordering. Reader: slot store (relaxed) ; compiler barrier ; state load (acquire).
        // Revoker (Revoke.swift): state |= revoked (seq_cst RMW) ; membarrier() ; slot loads.
        // membarrier() runs a full barrier on every CPU running a thread of this process, so at
        // that moment our compiler barrier acts as a full one: this is store buffering with full
        // barriers on both sides, and the two "stale" outcomes cannot both happen. Either this
        // load sees `revoked` (we take the nil path), or the revoker's scan sees our slot and
        // waits for us. (Fence mode, without membarrier: a seq_cst fence follows the slot store,
        // in the C slow path: the same argument with the barrier paid on our side.)
        // Leaving clears the slot with a release store; the revoker reads it with acquire, so
        // everything `body` did with the resource happens before the teardown. The acquire here
        // keeps the compiler from reading `_resource` before the slot is published.
        if _fastPath(_state.load(ordering: .acquiring) & 1 == 0) {
            defer { _leave(ticket, announced) }
            return try body(_resource)
        }
        // Revoked: leave before running `body`, so a revoker never waits for accesses that
        // started after it closed the fence.
        _leave(ticket, announced)
        return try body(nil)
    }

    /// Runs `body` with the resource, or throws `error()` once the revocable is revoked
    /// (the kernel's `revocable_try_access_or_return_err`).
    ///
    /// Same guarantees and cost as ``withAccess(_:)``.
    @inlinable
    public func withAccess<R, E: Error>(orThrow error: @autoclosure () -> E,
                                        _ body: (Resource) throws(E) -> R) throws(E) -> R {
        try withAccess { (resource: Resource?) throws(E) -> R in
            guard let resource else { throw error() }
            return try body(resource)
        }
    }

    /// Runs `body` with the resource, or throws ``RevocableError/revoked`` (errno `ENODEV`)
    /// once the revocable is revoked (the kernel's `revocable_try_access_or_return`).
    ///
    /// Same guarantees and cost as ``withAccess(_:)``.
    @inlinable
    public func withAccessOrENODEV<R>(_ body: (Resource) throws(RevocableError) -> R) throws(RevocableError) -> R {
        try withAccess(orThrow: RevocableError.revoked, body)
    }

    /// Runs `body` only if the resource is still there; returns its result, or `nil` when it was
    /// skipped (the kernel's `revocable_try_access_or_skip_scoped` / `or_return_void`).
    ///
    /// Same guarantees and cost as ``withAccess(_:)``.
    @inlinable
    @discardableResult
    public func ifAvailable<R, E: Error>(_ body: (Resource) throws(E) -> R) throws(E) -> R? {
        try withAccess { (resource: Resource?) throws(E) -> R? in
            guard let resource else { return nil }
            return try body(resource)
        }
    }

    @inlinable
    func _leave(_ ticket: dm_rev_ticket, _ announced: Bool) {
        if _slowPath(announced) { _leaveAnnounced(ticket) } else { dm_rev_exit(ticket) }
    }

    /// Enter with scheduling points, for threads run by an interleaving explorer.
    @usableFromInline
    func _enterAnnounced() -> dm_rev_ticket {
        Scheduling.point(.fenceEnter(id, name: name))
        return dm_rev_enter(_key)
    }

    @usableFromInline
    func _leaveAnnounced(_ ticket: dm_rev_ticket) {
        Scheduling.point(.fenceExit(id, name: name))
        dm_rev_exit(ticket)
        Scheduling.notify(.fenceReaders(id, name: name))
    }
}

// Sendable: `_resource` is written once, by the teardown, after the grace period that every reader's exit orders before it (see revoke); everything else is atomic or immutable.
extension Revocable: @unchecked Sendable where Resource: Sendable {}

/// The rarely used parts of a revocable, kept out of line.
@usableFromInline
final class RevocableExtras<Resource>: Sendable {
    let name: String
    let events: EventStream?
    let teardown: (@Sendable (Resource) -> Void)?

    init(name: String, events: EventStream?, teardown: (@Sendable (Resource) -> Void)?) {
        self.name = name
        self.events = events
        self.teardown = teardown
    }
}
