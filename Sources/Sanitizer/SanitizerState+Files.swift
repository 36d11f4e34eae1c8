import CharDev
import Instrumentation

/// Open files: a call on a closed file, reported with the close that closed it.
extension SanitizerState {
    /// `file.afterClose`. The events name the character device, not the open file, so the
    /// close reported is the newest one of the same node (its path in the detail), or else
    /// the newest close of the device.
    mutating func fileAfterClose(_ event: LifetimeEvent) {
        update(event) { _ in }
        let closes = objects[event.object]?.lastCloseByNode.values.sorted { $0.sequence < $1.sequence } ?? []
        let close = closes.last { event.detail.contains($0.detail) } ?? closes.last
        let access = SiteRecord(event)
        findings.append(Finding(
            kind: .fileAfterClose, object: event.object, objectName: event.objectName, access: access,
            acquired: [], released: close.map { [$0] } ?? [],
            lastByOtherThread: objects[event.object]?.lastRef(otherThan: event.thread),
            message: event.detail, history: objects[event.object]?.history ?? [access]))
    }

}
