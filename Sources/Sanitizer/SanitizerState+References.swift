import DriverCore
import Instrumentation

/// Logical references (`device.initialize`, `ref.get`, `ref.put`, `ref.misuse`,
/// `device.release`) as tokens with their acquire sites.
extension SanitizerState {
    mutating func created(_ event: LifetimeEvent) {
        // A get sequenced before the initialisation can only have reached the object through
        // something that published it too early.
        let early = withRecord(event.object) { r in
            r.seenCreated ? nil : r.history.first(where: { $0.kind == EventKind.get && $0.sequence < event.sequence })
        } ?? nil
        update(event) { r in
            let record = SiteRecord(event)
            r.seenCreated = true
            r.created = record
            r.tokens = [Token(record: record)]
            r.lastRefByThread[event.thread] = record
        }
        if let early { reportUseBeforeInit(early, initialised: event) }
    }

    mutating func get(_ event: LifetimeEvent) {
        var early = false
        update(event) { r in
            // Delivered after the initialisation but sequenced before it (another thread's
            // event). Checked in place: reading the record out first would copy it per get.
            if let created = r.created, event.sequence < created.sequence { early = true }
            let record = SiteRecord(event)
            r.lastRefByThread[event.thread] = record
            // Emitted before a put that found no reference, delivered after it: it explains it.
            if let i = r.unexplainedPuts.firstIndex(where: { $0.access.sequence > event.sequence }) {
                r.unexplainedPuts.remove(at: i)
            } else {
                r.tokens.append(Token(record: record))
            }
        }
        if early { reportUseBeforeInit(SiteRecord(event), initialised: event) }
    }

    private mutating func reportUseBeforeInit(_ get: SiteRecord, initialised event: LifetimeEvent) {
        let f = describe(.useBeforeInit, event, message: "get of \(event.objectName) before it was initialised: "
                         + "it was reachable (published) before it was ready", access: get)
        findings.append(f)
    }

    mutating func put(_ event: LifetimeEvent) {
        var unexplained = false
        let isFinal = Self.count(in: event.detail) == 0
        if isFinal {
            lastTeardown[event.thread] = SiteRecord(event)
            pendingReleases[event.object] = SiteRecord(event)
        }
        update(event) { r in
            let record = SiteRecord(event)
            unexplained = !r.consumeToken(thread: event.thread)
            r.lastRefByThread[event.thread] = record
            if isFinal {
                r.finalPut = record
                r.released.append(record)
                r.inReleaseAll = true
            }
        }
        if unexplained {
            // Kept aside, not yet a finding: a get emitted earlier may still be delivered.
            let finding = describe(.putNeverTaken, event,
                                   message: "put of \(event.objectName) (\(event.detail)) that no recorded get or initialisation explains")
            objects[event.object]?.unexplainedPuts.append(finding)
        }
    }

    mutating func releasedDevice(_ event: LifetimeEvent) {
        pendingReleases[event.object] = nil
        var first = false
        update(event) { r in
            first = r.state != .released
            r.state = .released
            r.released.append(SiteRecord(event))
            r.endReleaseAll()
        }
        if first { quarantined(event.object) }
    }

    /// `ref.misuse`: the model refused a get, a put or another use of a released object;
    /// the event's detail is the refused operation.
    mutating func refMisuse(_ event: LifetimeEvent) {
        update(event) { _ in }
        switch event.detail {
        case "get":
            report(.getAfterRelease, event, message: "get of \(event.objectName) after its reference count reached zero")
        case "put":
            report(.doublePut, event, message: "put of \(event.objectName) with no reference left (double put / underflow)")
        default:
            report(.useAfterRelease, event, message: "\(event.detail) on \(event.objectName) after its release")
        }
    }

    /// `N` in a `ref=N` detail, or nil. Hand-parsed: it runs at every put.
    static func count(in detail: String) -> Int? {
        var utf8 = detail.utf8[...]
        guard utf8.starts(with: "ref=".utf8) else { return nil }
        utf8 = utf8.dropFirst(4)
        return Int(Substring(utf8))
    }
}
