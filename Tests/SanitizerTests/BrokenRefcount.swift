import DriverCore
import Instrumentation

/// A deliberately broken refcount, as a test fixture: it announces its gets and puts on the
/// kernel's stream exactly as ``DriverCore/Device`` does, but its final put skips the release.
final class BrokenRefcount: @unchecked Sendable {
    let id = ObjectID.next()
    let name: String
    let events: EventStream
    private var count = 1

    init(name: String, events: EventStream, fileID: StaticString = #fileID, line: UInt = #line) {
        self.name = name
        self.events = events
        events.emit(.deviceInitialize, object: id, name: name, detail: "ref=1", site: CallSite(fileID: fileID, line: line))
    }

    func get(fileID: StaticString = #fileID, line: UInt = #line) {
        count += 1
        events.emit(.get, object: id, name: name, detail: "ref=\(count)", site: CallSite(fileID: fileID, line: line))
    }

    /// The bug: at zero, no release (no `device.release` event, nothing freed).
    func put(fileID: StaticString = #fileID, line: UInt = #line) {
        count -= 1
        events.emit(.put, object: id, name: name, detail: "ref=\(count)", site: CallSite(fileID: fileID, line: line))
    }
}
