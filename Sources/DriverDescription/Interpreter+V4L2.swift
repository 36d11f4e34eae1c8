import CharDev
import DriverCore
import Instrumentation

/// V4L2 video devices and media devnodes (drivers/media/v4l2-core/v4l2-dev.c,
/// drivers/media/mc/mc-devnode.c): `video_register_device`/`video_unregister_device` and
/// `media_devnode_register`/`media_devnode_unregister`, on the `struct device` member of the
/// described video device or devnode.
///
/// Faithful to the kernel's design: unless the fops are fenced, each file call tests the
/// registered bit at entry (v4l2-dev.c's `video_is_registered`, ENODEV; mc-devnode.c's
/// `media_devnode_is_registered`, EIO) and nothing holds the unregistration back while the
/// driver's handler runs; open files hold a reference on the device (`video_get`/`get_device`
/// at open, the put at release), so its release callback runs after the last close.
extension Interpreter {
    func videoRegisterDevice(_ member: (Reference, MemberKind), node: String, fops: String, media: Bool, _ frame: Frame,
                             who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        let what = media ? "media_devnode_register" : "video_register_device"
        guard case .device = kind else { throw .invalid("\(what): \(r) is a \(kind), not a device") }
        guard let spec = world.description.fops[fops] else { throw .invalid("no fops \(fops)") }
        try refInit(member, holder: frame.holder, who: who)
        try r.object.access("\(what) \(r.key)", by: who) { s throws(DescribedError) in
            s.values[r.key + "#registered"] = .integer(1)
        }
        do throws(DescribedError) {
            try publishChecked(node: node, fops: spec, object: r, flag: "#registered", refusedWhen: false,
                               check: media ? "media_devnode_is_registered" : "video_is_registered",
                               checked: ["open", "read", "write", "ioctl", "poll"], errno: media ? .EIO : .ENODEV, what: what, frame)
        } catch {
            // As the kernel's error paths do (put_device after a failed cdev_device_add): the
            // registration's reference goes, and with it the device, through its release.
            try? refPut(member, frame, holder: frame.holder, who: who)
            throw error
        }
    }

    func videoUnregisterDevice(_ member: (Reference, MemberKind), media: Bool, _ frame: Frame,
                               who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        let what = media ? "media_devnode_unregister" : "video_unregister_device"
        guard case .device = kind else { throw .invalid("\(what): \(r) is a \(kind), not a device") }
        try r.object.access("\(what) \(r.key)", by: who) { s throws(DescribedError) in
            s.values[r.key + "#registered"] = .integer(0)
        }
        world.unregister(key: r.memberKey)?.unregister()
        try refPut(member, frame, holder: frame.holder, who: who)
    }
}
