import Instrumentation

/// The kinds of lifetime bug the sanitizer reports, named the way KASAN and lockdep would.
public enum FindingKind: String, Sendable, Codable, CaseIterable {
    /// Any use of an object after its final put (a `ref.misuse` other than get/put, or any
    /// event on a released object).
    case useAfterRelease = "use-after-release"
    /// A read or write of logical memory (`ModelMemory`) after it was freed.
    case useAfterFree = "use-after-free"
    /// A read or write of devres memory freed because its binding ended (driver remove, failed
    /// probe): the driver's bound lifetime was over (classes P2, P4 of Docs/bug-classes.md).
    case useAfterUnbind = "use-after-unbind"
    /// A second free of the same logical memory.
    case doubleFree = "double-free"
    /// A NULL pointer followed: a pointer cleared by remove() (or never set) used by a file
    /// operation — an oops in the kernel.
    case nullDereference = "null-pointer-dereference"
    /// A put with no reference left: the count would go below zero.
    case doublePut = "double-put"
    /// A get on an object whose count already reached zero.
    case getAfterRelease = "get-after-release"
    /// A get on an object before its initialisation: it was published (a node, a lookup
    /// table) before it was ready (class P10).
    case useBeforeInit = "use-before-initialisation"
    /// A put that no recorded get (or initialisation) explains.
    case putNeverTaken = "put-of-reference-never-taken"
    /// An object never released by the end of the run, grouped by acquire site.
    case leakedReference = "leaked-reference"
    /// The count reached zero but the release never ran (class P7: a put that skips release).
    case releaseNeverRan = "release-never-ran"
    /// Logical memory allocated and never freed by the end of the run.
    case leakedMemory = "leaked-memory"
    /// devres still registered on a device that was deleted.
    case devresLeftOnDeletedDevice = "devres-left-on-deleted-device"
    /// devres registered on another device than the one being probed (class P12, spi-ch341 `abe572f630bc`).
    case devresWrongDevice = "devres-wrong-device"
    /// devres released in another order than the exact reverse of acquisition.
    case devresReleaseOrder = "devres-release-order"
    /// `revoke()` called from inside an access to the same revocable.
    case revokeInsideAccess = "revoke-inside-read-section"
    /// A file operation on a closed file.
    case fileAfterClose = "file-operation-after-close"
    /// Two lock classes taken in both orders (lockdep's "possible circular locking dependency").
    case lockOrderInversion = "lock-order-inversion"
    /// An actor that never finished: a deadlock, a lost wake-up, an unbind waiting for user
    /// space. Raised by whoever runs the actors (a run's deadline, the explorer's wait-for
    /// graph), never by the sanitizer's event checks.
    case hang = "hang"
}

/// Where and by whom something happened: one event, reduced to what a report prints.
///
/// Cheap to make: it keeps the event's kind and detail strings as they are and builds the
/// text (``what``) only when a report is printed.
public struct SiteRecord: Sendable, Hashable, CustomStringConvertible {
    /// The event's kind.
    public let kind: EventKind
    /// The event's detail (a resource name, `ref=N`, a lock class, …).
    public let detail: String
    public let site: CallSite
    public let thread: UInt64
    /// The event's sequence number in its stream.
    public let sequence: UInt64

    public init(kind: EventKind, detail: String, site: CallSite, thread: UInt64, sequence: UInt64) {
        self.kind = kind
        self.detail = detail
        self.site = site
        self.thread = thread
        self.sequence = sequence
    }

    init(_ event: LifetimeEvent) {
        self.init(kind: event.kind, detail: event.detail, site: event.site, thread: event.thread, sequence: event.sequence)
    }

    /// What happened: the kind and the detail ("ref.get ref=2", "devres.add devm_kzalloc").
    public var what: String { detail.isEmpty ? kind.rawValue : "\(kind) \(detail)" }

    public var description: String { "\(what) at \(site) (thread \(thread), event \(sequence))" }
}

/// One lifetime bug, with everything a KASAN-shaped report needs. See ``render(history:)``.
public struct Finding: Sendable, CustomStringConvertible {
    public let kind: FindingKind
    public let object: ObjectID
    public let objectName: String
    /// The bad access (for a leak: the object's last event; for an inversion: the acquisition
    /// that closed the cycle).
    public let access: SiteRecord
    /// Where the object was allocated, initialised, acquired or bound (for a leak: every
    /// reference still held; for an inversion: the acquisition sites of the other order).
    public let acquired: [SiteRecord]
    /// Where the object was released, freed or unbound.
    public let released: [SiteRecord]
    /// The last get/put on the object by a thread other than the bad access's.
    public let lastByOtherThread: SiteRecord?
    /// One line saying what is wrong.
    public let message: String
    /// The object's full reference history up to the finding (rendered on request).
    public let history: [SiteRecord]

    public init(kind: FindingKind, object: ObjectID, objectName: String, access: SiteRecord,
                acquired: [SiteRecord] = [], released: [SiteRecord] = [], lastByOtherThread: SiteRecord? = nil,
                message: String, history: [SiteRecord] = []) {
        self.kind = kind
        self.object = object
        self.objectName = objectName
        self.access = access
        self.acquired = acquired
        self.released = released
        self.lastByOtherThread = lastByOtherThread
        self.message = message
        self.history = history
    }

    public var description: String { "\(kind.rawValue) in \(objectName): \(message) (\(access.site))" }
}
