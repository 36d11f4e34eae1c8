import CharDev
import DriverCore
import Instrumentation

/// Character devices (`cdev_init`, `cdev_device_add`/`_del`, `misc_register`/`_deregister`)
/// and devres actions.
///
/// A node is published through CharDev (the one registration path of `/dev`); what a file's
/// calls reach is decided by the fops' protection: `none` calls the described operations
/// directly for as long as the file is open (fs/char_dev.c), `fence` puts them behind the
/// device's revocation fence (CharDev's helper).
extension Interpreter {
    func cdevInit(_ member: (Reference, MemberKind), fops: String, who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind == .cdev else { throw .invalid("cdev_init: \(r) is a \(kind), not a cdev") }
        try refInit(member, holder: .cdev(r), who: who)
        world.setFops(fops, for: r.memberKey)
    }

    func cdevDeviceAdd(cdev: MemberPath, device: MemberPath, node: String, _ frame: inout Frame, who: Provenance) throws(DescribedError) {
        let c = try member(cdev, &frame, who: who)
        let d = try member(device, &frame, who: who)
        guard case .device = d.1 else { throw .invalid("cdev_device_add: \(d.0) is a \(d.1), not a device") }
        try cdevAdd(c, node: node, frame, who: who)
        // Once added (cdev_add's kobject_get after kobj_map; a failed add takes nothing): the
        // cdev's kobject holds its parent, the device, until the cdev's release.
        try refGet(d, holder: .cdev(c.0), who: who)
        try c.0.object.access("cdev_add \(c.0.key)", by: who) { s throws(DescribedError) in
            s.values[c.0.key + "#parent"] = .reference(d.0)
        }
    }

    func cdevDeviceDel(cdev: MemberPath, device: MemberPath, _ frame: inout Frame, who: Provenance) throws(DescribedError) {
        let c = try member(cdev, &frame, who: who)
        _ = try member(device, &frame, who: who)
        // device_del and cdev_del: no new opens; open files keep their cdev reference.
        try cdevDel(c, frame, who: who)
    }

    func cdevAdd(_ c: (Reference, MemberKind), node: String, _ frame: Frame, who: Provenance) throws(DescribedError) {
        guard c.1 == .cdev else { throw .invalid("cdev_add: \(c.0) is a \(c.1), not a cdev") }
        guard let fops = world.fops(for: c.0.memberKey) else { throw .invalid("cdev_add: \(c.0) was not cdev_init'ed") }
        try c.0.object.access("cdev_add \(c.0.key)", by: who) { _ throws(DescribedError) in }
        try publish(node: node, fops: fops, key: c.0.memberKey, cdev: c.0, misc: nil, frame)
    }

    func cdevDel(_ c: (Reference, MemberKind), _ frame: Frame, who: Provenance) throws(DescribedError) {
        world.unregister(key: c.0.memberKey)?.unregister()
        try refPut(c, frame, holder: .cdev(c.0), who: who)
    }

    func miscRegister(_ member: (Reference, MemberKind), node: String, fops: String, _ frame: Frame, who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind == .miscdevice else { throw .invalid("misc_register: \(r) is a \(kind), not a miscdevice") }
        // misc_register links the miscdevice into the misc list: a write to its memory.
        try r.object.access("misc_register \(r.key)", by: who) { _ throws(DescribedError) in }
        try publish(node: node, fops: fops, key: r.memberKey, cdev: nil, misc: r, frame)
    }

    func miscDeregister(_ member: (Reference, MemberKind), who: Provenance) throws(DescribedError) {
        let (r, _) = member
        // Under misc_mtx, the miscdevice leaves the list opens search; the node goes after,
        // outside it (the model's device removal takes device locks, which misc_mtx must not
        // nest: the kernel's device_destroy takes none of them).
        let cdev = try world.miscLock.withLock(site: .model) { () throws(DescribedError) -> CharDevice? in
            try r.object.access("misc_deregister \(r.key)", by: who) { _ throws(DescribedError) in }
            return world.unregister(key: r.memberKey)
        }
        cdev?.unregister()
    }

    private func publish(node: String, fops: String, key: String, cdev: Reference?, misc: Reference?, _ frame: Frame) throws(DescribedError) {
        guard let spec = world.description.fops[fops] else { throw .invalid("no fops \(fops)") }
        let operations = DescribedFileOperations(world: world, fops: spec, cdev: cdev, misc: misc, parent: frame.device,
                                                 module: frame.module)
        do {
            let registered = try CharDevice.register(name: node, parent: frame.device, namespace: world.namespace,
                                                     operations: operations,
                                                     protection: spec.protection == .fence ? .revocable : .legacyUnchecked)
            world.register(registered, key: key)
        } catch {
            throw .errno(error.errno, "registering /dev/\(node): \(error.message)")
        }
    }

    func devmAddAction(_ function: String, argument: Value?, orReset: Bool, _ frame: Frame) throws(DescribedError) {
        guard let device = frame.device else { throw .invalid("devm_add_action with no bound device") }
        let world = self.world
        let action: @Sendable () -> Void = {
            var callee = Frame(context: CallPath("devres_release_all(\(device.name)) → \(function)"),
                               device: device, locals: argument.map { ["self": $0] } ?? [:])
            try? Interpreter(world: world).runFunction(world.description.functions[function] ?? [], &callee)
        }
        do {
            try device.devres.addAction(ActionKey("\(function)"), action)
        } catch {
            if orReset { action() }
            throw .errno(.ENOMEM, "devm_add_action(\(function)) failed: \(error)")
        }
    }
}
