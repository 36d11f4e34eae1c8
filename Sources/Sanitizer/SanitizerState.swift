import CharDev
import DriverCore
import Instrumentation
import Revocable

/// The sanitizer's whole state, guarded by one lock in ``Sanitizer``: per-object records,
/// the lock-order graph and the findings so far. Every event is one `handle` call.
struct SanitizerState {
    var objects: [ObjectID: ObjectRecord] = [:]
    var locks = LockOrderGraph()
    var findings: [Finding] = []
    /// The last `devres.release` per thread: a `memory.free` from the model's own site that
    /// follows it on the same thread is that release freeing devres memory.
    var lastDevresRelease: [UInt64: SiteRecord] = [:]
    /// The last whole-list devres release started per thread (unbind, failed probe, device
    /// deletion, final put): the call site that made devres free its memory.
    var lastTeardown: [UInt64: SiteRecord] = [:]
    /// The latest whole-list teardown per device: memory freed by a device's devres names its
    /// own device's teardown even when other teardowns nest inside it on the same thread.
    var teardownByDevice: [ObjectID: SiteRecord] = [:]
    /// The device of the latest devres release per thread.
    var lastDevresReleaseDevice: [UInt64: ObjectID] = [:]
    /// Objects whose count reached zero and whose release has not run yet, with the final
    /// put: kept apart so that a long run can poll them without scanning every object.
    var pendingReleases: [ObjectID: SiteRecord] = [:]
    /// History entries kept per object before the oldest half is dropped.
    static let historyLimit = 1024
    /// With a bounded quarantine, the history entries a released object keeps (the newest):
    /// its acquire and release sites are kept apart, so a late report still names them. With
    /// ``historyLimit`` each, the quarantine's histories of a torture run kept filling for
    /// minutes (readers' stale files keep adding ENODEV events to released chips).
    static let quarantinedHistoryLimit = 32
    /// Released objects kept (quarantined) before the oldest is forgotten; nil: all of them.
    var quarantineLimit: Int?
    /// Released objects, oldest first, from `quarantineHead` on (the ones before it are gone).
    private var quarantine: [ObjectID] = []
    private var quarantineHead = 0

    init(quarantineLimit: Int? = nil) { self.quarantineLimit = quarantineLimit }

    /// `object` was just released: quarantine it, and forget the oldest released object when
    /// the quarantine is full. A forgotten object is as if never seen: a later event on it
    /// starts a fresh record (never reported as a leak, and its misuse is no longer tied to
    /// its history) — KASAN's bounded quarantine makes the same trade.
    mutating func quarantined(_ object: ObjectID) {
        guard let limit = quarantineLimit else { return }
        if let i = objects.index(forKey: object), objects.values[i].history.count > Self.quarantinedHistoryLimit {
            // A new array: trimming in place would keep the old capacity.
            objects.values[i].history = Array(objects.values[i].history.suffix(Self.quarantinedHistoryLimit))
        }
        quarantine.append(object)
        while quarantine.count - quarantineHead > limit {
            objects[quarantine[quarantineHead]] = nil
            teardownByDevice[quarantine[quarantineHead]] = nil
            quarantineHead += 1
        }
        if quarantineHead > 1024, quarantineHead * 2 > quarantine.count {
            quarantine.removeFirst(quarantineHead)
            quarantineHead = 0
        }
    }

    mutating func handle(_ event: LifetimeEvent) {
        // One hash lookup instead of comparing the kind's string with every case.
        guard let action = EventAction.table[event.kind] else { return }
        switch action {
        case .lockAcquire:
            if let f = locks.acquire(event) { findings.append(f) }
            return
        case .lockRelease:
            locks.release(event)
            return
        case .refMisuse:
            refMisuse(event)
            return
        case .memoryMisuse:
            memoryMisuse(event)
            return
        case .devresWrongDevice:
            update(event) { _ in }
            report(.devresWrongDevice, event, message: event.detail)
            return
        case .revokeInsideAccess:
            update(event) { _ in }
            report(.revokeInsideAccess, event,
                   message: "revoke of \(event.objectName) from inside an access to it: it would wait for itself (EDEADLK)")
            return
        case .fileAfterClose:
            fileAfterClose(event)
            return
        default:
            break
        }
        // A `ref.get`/`ref.put` is never itself a use after release: the core refuses those
        // with `ref.misuse`. One seen after the release happened before it (its sequence number
        // is taken at emission, after the count changed) and only settles the tokens.
        if action != .memoryAlloc, action != .get, action != .put, isReleased(event) {
            update(event) { _ in }
            report(.useAfterRelease, event, message: "\(event.kind) on \(event.objectName) after its release")
            return
        }
        switch action {
        case .deviceInitialize: created(event)
        case .get: get(event)
        case .put: put(event)
        case .deviceRelease: releasedDevice(event)
        case .bind:
            update(event) { $0.state = .bound; $0.bound = SiteRecord(event); $0.inReleaseAll = false }
        case .teardown:
            teardown(event)
        case .probeResult:
            if !event.detail.hasSuffix(": 0") { teardown(event) } else if knows(event.object) { update(event) { _ in } }
        case .unbind:
            update(event) { $0.state = .unbound; $0.unbound = SiteRecord(event); $0.endReleaseAll() }
        case .devresAdd: devresAdded(event)
        case .devresRelease: devresReleased(event)
        case .devresRemove: devresRemoved(event)
        case .devresGroupRemove: update(event) { $0.dropGroupMarker() }
        case .memoryAlloc: allocated(event)
        case .memoryFree: freed(event)
        case .fileClose:
            update(event) { $0.lastCloseByNode[event.detail] = SiteRecord(event) }
        case .historyOnly:
            if knows(event.object) { update(event) { _ in } }
        case .lockAcquire, .lockRelease, .refMisuse, .memoryMisuse, .devresWrongDevice, .revokeInsideAccess, .fileAfterClose:
            break
        }
    }

    /// True when the event's object was released before the event was emitted.
    func isReleased(_ event: LifetimeEvent) -> Bool {
        withRecord(event.object) { $0.isReleased(before: event.sequence) } ?? false
    }

    /// `body` on the object's record where it is stored, or nil when the object is unseen.
    /// Per event: `objects[id]?.…` copies the record out (retaining each of its arrays).
    func withRecord<R>(_ object: ObjectID, _ body: (ObjectRecord) -> R) -> R? {
        guard let i = objects.index(forKey: object) else { return nil }
        return body(objects.values[i])
    }

    func knows(_ object: ObjectID) -> Bool { objects.index(forKey: object) != nil }

    /// Every finding so far: those recorded, and the puts still unexplained, in event order.
    var allFindings: [Finding] {
        let puts = objects.values.flatMap(\.unexplainedPuts)
        if puts.isEmpty { return findings }
        return (findings + puts).sorted { $0.access.sequence < $1.access.sequence }
    }

    /// A whole-list devres release begins on the event's device.
    mutating func teardown(_ event: LifetimeEvent) {
        let record = SiteRecord(event)
        lastTeardown[event.thread] = record
        teardownByDevice[event.object] = record
        update(event) { r in
            r.inReleaseAll = true
            if event.kind == .deviceDel { r.deleted = record }
        }
    }

    /// Applies `change` to the object's record (created if unseen) and appends the event to
    /// its history.
    mutating func update(_ event: LifetimeEvent, _ change: (inout ObjectRecord) -> Void) {
        // In place (the dictionary's modify accessor): copying the record out would copy its
        // history array at every event.
        Self.apply(event, to: &objects[event.object, default: ObjectRecord(name: event.objectName)],
                   boundedQuarantine: quarantineLimit != nil, change)
    }

    private static func apply(_ event: LifetimeEvent, to record: inout ObjectRecord, boundedQuarantine: Bool,
                              _ change: (inout ObjectRecord) -> Void) {
        if record.name != event.objectName { record.name = event.objectName }
        record.history.append(SiteRecord(event))
        let limit = boundedQuarantine && record.state == .released ? quarantinedHistoryLimit : historyLimit
        if record.history.count > limit { record.history.removeFirst(record.history.count - limit / 2) }
        change(&record)
    }

    /// Records a finding about `event`'s object, with what the records know of it. The
    /// caller has already added `event` to the object's history.
    mutating func report(_ kind: FindingKind, _ event: LifetimeEvent, message: String) {
        findings.append(describe(kind, event, message: message))
    }

    /// The finding ``report(_:_:message:)`` would record, not recorded.
    func describe(_ kind: FindingKind, _ event: LifetimeEvent, message: String, access: SiteRecord? = nil) -> Finding {
        let access = access ?? SiteRecord(event)
        let record = objects[event.object]
        var acquired: [SiteRecord] = []
        if let created = record?.created { acquired.append(created) }
        acquired += record?.tokens.map(\.record).filter { $0 != record?.created } ?? []
        if let bound = record?.bound { acquired.append(bound) }
        var released = record?.released ?? []
        if let unbound = record?.unbound { released.insert(unbound, at: 0) }
        return Finding(
            kind: kind, object: event.object, objectName: event.objectName, access: access,
            acquired: acquired, released: released, lastByOtherThread: record?.lastRef(otherThan: event.thread),
            message: message, history: record?.history ?? [access])
    }
}

extension ObjectRecord {
    /// The end of a whole-list devres release: markers left in our copy are gone in the core.
    mutating func endReleaseAll() {
        inReleaseAll = false
        devres.removeAll { $0.isGroupMarker }
    }

    /// `devres.group.remove`: the newest group marker goes (its resources stay).
    mutating func dropGroupMarker() {
        if let i = devres.lastIndex(where: { $0.isGroupMarker }) { devres.remove(at: i) }
    }
}
