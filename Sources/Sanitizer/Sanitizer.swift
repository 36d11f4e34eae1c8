import DriverCore
import Instrumentation
import Synchronization

/// The logical-lifetime sanitizer: an `EventObserver` (Instrumentation) that turns a
/// kernel's event stream into KASAN- and lockdep-shaped ``Finding``s.
///
/// Attach it before the objects it should watch are created
/// (`Sanitizer(attachingTo: kernel)`), run the scenario, then read ``findings`` (bugs seen so
/// far) or ``finish()`` (those plus the end-of-run leak checks), or call
/// `expectNoFindings(checkingLeaks:sourceLocation:)` (module SanitizerTesting) from a Swift test.
///
/// What it tracks: every logical reference as a token with its acquire site (per object,
/// from `device.initialize`, `ref.get`, `ref.put`); each object's state live → bound →
/// unbound → released, the released object kept (quarantined, never forgotten, identities
/// are never reused); each device's devres list; each logical allocation; per thread the
/// model locks held, and the order graph over lock classes.
///
/// It observes only the event stream: it never reaches into the model's internals.
///
/// ## Cost
/// Per event: one lock, one switch on the kind and a few dictionary updates on the object's
/// record (its history is an array capped at ``historyLimit`` entries, trimmed by halves).
/// Per `lock.acquire`: a pass over the locks the thread holds and, only when a class pair is
/// new, a breadth-first search of the class graph. Memory: one record per object ever seen,
/// kept for the whole run (quarantine) unless a quarantine limit is set
/// (``init(quarantineLimit:)``) — what a stress test that releases millions of objects does.
///
/// ## Limits
/// With a ``init(quarantineLimit:)`` the oldest released objects are forgotten. Attach one
/// sanitizer to one stream: the order checks compare sequence numbers, which are
/// per stream. Objects created before it was attached are tracked from their first event on
/// (never reported as leaked; a put of their earlier references is unexplained).
///
/// Events are processed in the order observers receive them. Two threads' events on the
/// same object may arrive out of their sequence order; the count checks use the tokens, so a
/// put delivered before the get that explains it can be misreported as
/// ``FindingKind/putNeverTaken``.
public final class Sanitizer: EventObserver {
    // A pthread-based lock, not `Mutex`: TSan cannot see `Mutex`'s contended path and reports false races.
    private let state: Locked<SanitizerState>

    /// History entries kept per object before the oldest half is dropped.
    public static var historyLimit: Int { SanitizerState.historyLimit }
    /// With a quarantine limit, the history entries a released object keeps (the newest).
    public static var quarantinedHistoryLimit: Int { SanitizerState.quarantinedHistoryLimit }

    /// A sanitizer attached to nothing: attach it with `events.attach(_:)`. It keeps every
    /// released object (an unbounded quarantine).
    public init() {
        state = Locked(SanitizerState())
    }

    /// A sanitizer attached to nothing that keeps at most `quarantineLimit` released objects
    /// with their history, forgetting the oldest. A long stress run that releases millions of
    /// objects sets one to bound its memory; an object forgotten this way is no longer tied
    /// to its history, so its later misuse is reported only where the model itself refuses
    /// it (a get or put after release, a use of freed memory), with less context.
    public init(quarantineLimit: Int) {
        state = Locked(SanitizerState(quarantineLimit: max(0, quarantineLimit)))
    }

    /// A sanitizer attached to `kernel`'s event stream.
    public convenience init(attachingTo kernel: Kernel) {
        self.init()
        kernel.events.attach(self)
    }

    /// A sanitizer attached to `kernel`'s event stream, with a bounded quarantine (see
    /// ``init(quarantineLimit:)``).
    public convenience init(attachingTo kernel: Kernel, quarantineLimit: Int) {
        self.init(quarantineLimit: quarantineLimit)
        kernel.events.attach(self)
    }

    public func observe(_ event: LifetimeEvent) {
        state.withLock { $0.handle(event) }
    }

    /// The findings so far, in the order they were found (leaks are not checked here).
    public var findings: [Finding] { state.withLock { $0.allFindings } }

    /// Object records and per-device teardown records kept: what a bounded quarantine bounds.
    var keptRecords: (objects: Int, teardowns: Int) { state.withLock { ($0.objects.count, $0.teardownByDevice.count) } }

    /// The end-of-run checks alone: references never put, memory never freed, devres left on
    /// deleted devices.
    public var leaks: [Finding] { state.withLock { $0.leaks() } }

    /// Every finding: those seen so far, then the leaks at this point.
    public func finish() -> [Finding] {
        state.withLock { $0.allFindings + $0.leaks() }
    }

    /// Objects whose reference count reached zero and whose release has not run yet, with
    /// their final put. Normally empty or momentary (a release runs right after its final
    /// put); an object still here a second later was put by a refcount that skips its release
    /// (``FindingKind/releaseNeverRan``, found without waiting for ``finish()``).
    ///
    /// Cost: proportional to the number of such objects, not to every object seen, so a
    /// long stress run can poll it once a second.
    public var pendingReleases: [PendingRelease] {
        state.withLock { s in
            s.pendingReleases.map { PendingRelease(object: $0.key, name: s.objects[$0.key]?.name ?? "?", finalPut: $0.value) }
        }
    }

    /// The state of an object as the sanitizer saw it, or nil if it never saw it.
    public func state(of object: ObjectID) -> ObjectState? {
        state.withLock { $0.objects[object]?.state }
    }

    /// The object's history (references, binding, devres, frees), oldest first.
    public func history(of object: ObjectID) -> [SiteRecord] {
        state.withLock { $0.objects[object]?.history ?? [] }
    }

    /// The logical references currently held on the object, oldest first, with their sites.
    public func references(of object: ObjectID) -> [SiteRecord] {
        state.withLock { $0.objects[object]?.tokens.map(\.record) ?? [] }
    }

    /// All findings rendered as one text, separated by blank lines.
    public func report(checkingLeaks: Bool = true, history: Bool = false) -> String {
        (checkingLeaks ? finish() : findings).map { $0.render(history: history) }.joined(separator: "\n\n")
    }
}

/// An object whose count reached zero and whose release has not run (yet).
public struct PendingRelease: Sendable, Hashable {
    public let object: ObjectID
    public let name: String
    /// The put that brought the count to zero.
    public let finalPut: SiteRecord
}
