import Instrumentation

/// End-of-run checks: references never put (grouped by acquire site), memory never freed
/// (grouped by allocation site), devres left on deleted devices.
extension SanitizerState {
    func leaks() -> [Finding] {
        var result: [Finding] = []
        var referencesBySite: [CallSite: [(ObjectID, ObjectRecord, SiteRecord)]] = [:]
        var memoryBySite: [CallSite: [(ObjectID, ObjectRecord, SiteRecord)]] = [:]
        for (id, record) in objects where record.seenCreated && record.state != .released {
            if record.isMemory {
                if let created = record.created { memoryBySite[created.site, default: []].append((id, record, created)) }
            } else {
                for token in record.tokens { referencesBySite[token.record.site, default: []].append((id, record, token.record)) }
            }
        }
        for (site, entries) in referencesBySite {
            result.append(group(.leakedReference, site: site, entries,
                                what: "reference(s) taken here and never put"))
        }
        for (site, entries) in memoryBySite {
            result.append(group(.leakedMemory, site: site, entries, what: "allocation(s) made here and never freed"))
        }
        for (id, record) in objects where !record.isMemory && record.state != .released {
            guard let finalPut = record.finalPut else { continue }
            result.append(Finding(
                kind: .releaseNeverRan, object: id, objectName: record.name, access: finalPut,
                acquired: record.created.map { [$0] } ?? [], released: [], lastByOtherThread: nil,
                message: "the reference count of \(record.name) reached zero here but its release never ran",
                history: record.history))
        }
        for (id, record) in objects where record.deleted != nil && record.state != .released {
            let live = record.devres.filter { !$0.isGroupMarker }
            guard let deleted = record.deleted, !live.isEmpty else { continue }
            result.append(Finding(
                kind: .devresLeftOnDeletedDevice, object: id, objectName: record.name, access: deleted,
                acquired: live.map(\.record), released: record.unbound.map { [$0] } ?? [],
                lastByOtherThread: record.lastRef(otherThan: deleted.thread),
                message: "\(live.count) devres entr\(live.count == 1 ? "y" : "ies") (\(live.map(\.name).joined(separator: ", "))) "
                    + "still registered on \(record.name) after it was deleted",
                history: record.history))
        }
        return result.sorted { ($0.access.sequence, $0.kind.rawValue) < ($1.access.sequence, $1.kind.rawValue) }
    }

    private func group(_ kind: FindingKind, site: CallSite, _ entries: [(ObjectID, ObjectRecord, SiteRecord)],
                       what: String) -> Finding {
        let sorted = entries.sorted { $0.2.sequence < $1.2.sequence }
        let first = sorted[0]
        let names = Array(Set(sorted.map(\.1.name))).sorted()
        return Finding(
            kind: kind, object: first.0, objectName: names.joined(separator: ", "), access: sorted.last!.2,
            acquired: sorted.map(\.2), released: [], lastByOtherThread: nil,
            message: "\(sorted.count) \(what) (\(site))",
            history: first.1.history)
    }
}
