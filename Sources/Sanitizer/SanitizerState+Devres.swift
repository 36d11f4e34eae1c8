import DriverCore
import Instrumentation

/// devres lists per device: registration order, and the release order of whole-list
/// releases (unbind, failed probe, final put), which must be its exact reverse.
extension SanitizerState {
    mutating func devresAdded(_ event: LifetimeEvent) {
        update(event) { r in
            r.inReleaseAll = false
            r.devres.append(DevresEntryRecord(name: event.detail, record: SiteRecord(event)))
        }
    }

    mutating func devresReleased(_ event: LifetimeEvent) {
        lastDevresRelease[event.thread] = SiteRecord(event)
        lastDevresReleaseDevice[event.thread] = event.object
        var misordered: DevresEntryRecord?
        var released: DevresEntryRecord?
        update(event) { r in
            if r.inReleaseAll, let newest = r.devres.last(where: { !$0.isGroupMarker }), newest.name != event.detail {
                misordered = newest
            }
            if let i = r.devres.lastIndex(where: { $0.name == event.detail }) {
                released = r.devres.remove(at: i)
            }
            if r.devres.allSatisfy(\.isGroupMarker), r.inReleaseAll { r.endReleaseAll() }
        }
        if let misordered {
            let added = released.map { " (added at \($0.record.site))" } ?? ""
            report(.devresReleaseOrder, event,
                   message: "devres '\(event.detail)'\(added) released while the newer '\(misordered.name)' "
                       + "(added at \(misordered.record.site)) is still registered: release is not the exact reverse of acquisition")
        }
    }

    /// `devres.remove` / `devres.destroy`: the entry leaves the list without running. The
    /// detail is the resource name or an action key `function(data)`.
    mutating func devresRemoved(_ event: LifetimeEvent) {
        update(event) { r in
            let detail = event.detail
            if let i = r.devres.lastIndex(where: { $0.name == detail || detail.hasPrefix($0.name + "(") }) {
                r.devres.remove(at: i)
            }
        }
    }
}
