import Instrumentation
import Revocable

/// One attribute file (`struct kernfs_node` of an attribute): the attribute behind its active
/// reference.
///
/// `kernfs_get_active`/`kernfs_put_active` bracket every `show`/`store`; `kernfs_drain`
/// deactivates the node and waits for the callbacks in flight only (fs/kernfs/dir.c). That is
/// exactly a revocation fence, so the node is one: an access is an active reference, the
/// revoke is the drain, and its wait-for-readers is what the explorer sees as
/// `synchronize(kernfs …)`.
final class KernfsNode: Sendable {
    let id = ObjectID.next()
    let path: String
    let device: Device
    let active: Revocable<DeviceAttribute>

    init(path: String, device: Device, attribute: DeviceAttribute, events: EventStream) {
        self.path = path
        self.device = device
        active = Revocable(attribute, name: "kernfs \(path)", events: events)
    }

    /// Runs `body` with the attribute inside an active reference, or throws ENODEV once the
    /// node was deactivated.
    func withActive<R>(_ what: String, events: EventStream, site: CallSite,
                       _ body: (DeviceAttribute) throws(SysfsError) -> R) throws(SysfsError) -> R {
        try active.withAccess { (attribute: DeviceAttribute?) throws(SysfsError) -> R in
            guard let attribute else {
                events.emit(.sysfsNoDevice, object: id, name: path, detail: "\(what): ENODEV", site: site)
                throw SysfsError(.ENODEV, "\(what) \(path): no such device")
            }
            // The callback is in flight: a removal may start now and must wait for it.
            Scheduling.point(.call(id, name: "\(what) \(path)"), site: site)
            return try body(attribute)
        }
    }

    /// `kernfs_drain`: no new callback starts; returns once those in flight have left.
    func deactivate(site: CallSite) { _ = try? active.revoke(site: site) }
}
