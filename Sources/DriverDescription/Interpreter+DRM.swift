import CharDev
import DriverCore
import Instrumentation

/// DRM devices (drivers/gpu/drm/drm_drv.c): `drm_dev_register`, `drm_dev_unregister`,
/// `drm_dev_unplug` and `drm_dev_enter`/`drm_dev_exit`, on a `drm_device` member
/// (`drm_dev_init`, `drm_dev_get` and `drm_dev_put` are the refcount steps).
///
/// Faithful to the kernel's design, including its one SRCU domain: every described DRM
/// device's `drm_dev_enter` is a read section of the world's `drm_unplug_srcu`, and every
/// `drm_dev_unplug` waits for all of them. The `unplugged` flag lives in the memory of the
/// struct that embeds the `drm_device`, so reading it after that struct was freed is a use
/// after free, as it would be in C.
extension Interpreter {
    func drmDevRegister(_ member: (Reference, MemberKind), node: String, fops: String, _ frame: Frame,
                        who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard case .drmDevice = kind else { throw .invalid("drm_dev_register: \(r) is a \(kind), not a drm_device") }
        guard let spec = world.description.fops[fops] else { throw .invalid("no fops \(fops)") }
        try r.object.access("drm_dev_register \(r.key)", by: who) { s throws(DescribedError) in
            s.values[r.key + "#unplugged"] = .integer(0)
        }
        // The node's files reach the fops like a cdev's (the reference passed as `cdev` is the
        // drm_device: an open takes drm_minor_acquire's drm_dev_get, the release drops it),
        // with drm_ioctl's unplugged check in front of each ioctl.
        try publishChecked(node: node, fops: spec, object: r, flag: "#unplugged", refusedWhen: true,
                           check: "drm_dev_is_unplugged", checked: ["ioctl"], errno: .ENODEV, what: "drm_dev_register", frame)
    }

    /// `drm_dev_unregister`, or with `unplug` `drm_dev_unplug`: flag, grace period, then the
    /// node goes (open files stay, and still reach the fops unless they are fenced).
    func drmDevUnregister(_ member: (Reference, MemberKind), unplug: Bool, who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard case .drmDevice = kind else { throw .invalid("\(r) is a \(kind), not a drm_device") }
        if unplug {
            try r.object.access("drm_dev_unplug \(r.key)", by: who) { s throws(DescribedError) in
                s.values[r.key + "#unplugged"] = .integer(1)
            }
            world.drmUnplugSRCU.synchronize()
        }
        world.unregister(key: r.memberKey)?.unregister()
    }

    /// `drm_dev_enter` … `drm_dev_exit` around `steps`; ENODEV without running them once the
    /// device is unplugged.
    func drmDevEnter(_ member: (Reference, MemberKind), steps: [Step], _ frame: inout Frame,
                     who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard case .drmDevice = kind else { throw .invalid("drm_dev_enter: \(r) is a \(kind), not a drm_device") }
        let srcu = world.drmUnplugSRCU
        let epoch = srcu.readLock()
        defer { srcu.readUnlock(epoch) }
        let unplugged = try r.object.access("drm_dev_enter \(r.key)", by: who) { s throws(DescribedError) -> Bool in
            !(s.values[r.key + "#unplugged"]?.isZero ?? true)
        }
        if unplugged { throw .errno(.ENODEV, "drm_dev_enter(\(r)): unplugged") }
        try run(steps, &frame)
    }
}
