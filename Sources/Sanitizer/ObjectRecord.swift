import Instrumentation

/// The lifetime state of one observed object. Objects are never forgotten: a released
/// object stays *quarantined* so later reports about it can name its whole history.
public enum ObjectState: String, Sendable {
    /// Initialised or allocated, not (or no longer) bound.
    case live
    /// Bound to a driver (a bound epoch is open).
    case bound
    /// Its bound epoch ended (driver unbound); the object itself lives on.
    case unbound
    /// Final put done / memory freed: every later use is a finding.
    case released
}

/// A logical reference: taken at `record` (an initialisation or a get), not yet put.
struct Token {
    let record: SiteRecord
}

/// Everything the sanitizer keeps about one object. Guarded by the sanitizer's lock.
struct ObjectRecord {
    var name: String
    var state: ObjectState = .live
    /// References taken and not yet put, oldest first.
    var tokens: [Token] = []
    /// True when the object was first seen being created (not half-way through its life).
    var seenCreated = false
    /// True for logical memory (`memory.alloc`), false for devices and other objects.
    var isMemory = false
    var created: SiteRecord?
    var bound: SiteRecord?
    var unbound: SiteRecord?
    var released: [SiteRecord] = []
    var deleted: SiteRecord?
    /// The put that brought the count to zero, if one did.
    var finalPut: SiteRecord?
    /// Gets and puts, and the other lifetime events, oldest first.
    var history: [SiteRecord] = []
    /// The last get/put per thread.
    var lastRefByThread: [UInt64: SiteRecord] = [:]
    /// Live devres entries on this device, oldest first (names as in `devres.add`).
    var devres: [DevresEntryRecord] = []
    /// Puts that no recorded reference explained when they were delivered. A get sequenced
    /// before one of them but delivered after it (another thread's event) repays it; those
    /// left are ``FindingKind/putNeverTaken`` findings.
    var unexplainedPuts: [Finding] = []
    /// The newest `file.close` on this (character) device per node (the event's detail):
    /// all a report needs, and bounded by the node names, not by the number of closes.
    var lastCloseByNode: [String: SiteRecord] = [:]
    /// Set while a whole-list devres release (unbind, failed probe, final put) is running.
    var inReleaseAll = false

    init(name: String) { self.name = name }

    /// True when released by an event sequenced before `sequence`.
    func isReleased(before sequence: UInt64) -> Bool {
        state == .released && sequence > released.last?.sequence ?? 0
    }

    /// The last get/put by a thread other than `thread`.
    func lastRef(otherThan thread: UInt64) -> SiteRecord? {
        lastRefByThread.filter { $0.key != thread }.values.max { $0.sequence < $1.sequence }
    }

    /// Consumes the reference a put drops: the newest one taken by the same thread, else the
    /// newest one. Returns false when no reference is recorded.
    mutating func consumeToken(thread: UInt64) -> Bool {
        if let i = tokens.lastIndex(where: { $0.record.thread == thread }) {
            tokens.remove(at: i)
            return true
        }
        return tokens.popLast() != nil
    }
}

/// One devres registration as seen in `devres.add`.
struct DevresEntryRecord {
    let name: String
    let record: SiteRecord
    var isGroupMarker: Bool { name == "grp<" || name == "grp>" }
}
