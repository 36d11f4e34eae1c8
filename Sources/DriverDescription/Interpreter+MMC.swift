import DriverCore
import Instrumentation

/// MMC hosts (drivers/mmc/core/host.c): `mmc_alloc_host` allocates the host with the driver's
/// private area in the same memory (`mmc_priv`) and initialises its class device, whose
/// release (`mmc_host_classdev_release`) frees it; `mmc_free_host` is the put of that class
/// device, so the host — and everything the driver keeps in `mmc_priv` — lives exactly as
/// long as the last reference on it. `devm_mmc_alloc_host` (drivers/mmc/core/host.c, since
/// v6.x) adds a devres action that puts it at unbind.
///
/// A description writes the host as a kzalloc'd struct with a `class_dev` device member
/// naming its release (`class_dev: {device: mmc_host_classdev_release}` with
/// `mmc_host_classdev_release: [kfree: self]`) and the driver's members beside it.
extension Interpreter {
    func runMMC(_ op: Operation, _ frame: inout Frame, who: Provenance) throws(DescribedError) {
        switch op {
        case .mmcAllocHost(let type, let name, let managed):
            try allocHost(type, as: name, managed: managed, &frame, who: who)
        case .mmcAddHost(let p):
            try touch(p, "mmc_add_host", &frame, who: who)
        case .mmcRemoveHost(let p):
            // mmc_stop_host and device_del read and write the host (host->card, the class device).
            try touch(p, "mmc_remove_host", &frame, who: who)
        case .mmcFreeHost(let p):
            let classDev = MemberPath(root: p.root, members: p.members + ["class_dev"])
            try refPut(try member(classDev, &frame, who: who), frame, holder: frame.holder, who: who)
        default:
            throw .invalid("\(op.name) is not an mmc step")
        }
    }

    private func allocHost(_ type: String, as name: String, managed: Bool, _ frame: inout Frame,
                           who: Provenance) throws(DescribedError) {
        guard let spec = world.description.types[type] else { throw .invalid("no struct type \(type)") }
        guard spec.allocation == .kzalloc else {
            throw .invalid("mmc_alloc_host(\(type)): the host is kzalloc'd and freed by its class device's release, not \(spec.allocation.rawValue)")
        }
        guard case .device(let release?)? = spec.member("class_dev")?.kind else {
            throw .invalid("mmc_alloc_host(\(type)): the host needs 'class_dev: {device: RELEASE}' whose release frees it")
        }
        _ = release
        let host = try allocate(type, managedBy: nil, on: nil, &frame, who: who)
        frame.locals[name] = .reference(Reference(host))
        let classDev = MemberPath(root: name, members: ["class_dev"])
        try refInit(try member(classDev, &frame, who: who), holder: frame.holder, who: who)
        guard managed else { return }
        guard let device = frame.device else { throw .invalid("devm_mmc_alloc_host with no bound device") }
        let world = self.world
        let holder = frame.holder
        do {
            try device.devres.addAction(ActionKey("devm_mmc_alloc_host \(host.name)")) {
                var callee = Frame(context: CallPath("devres_release_all(\(device.name)) → mmc_free_host(\(host.name))"),
                                   device: device, locals: ["host": .reference(Reference(host))])
                callee.holder = holder
                let by = Provenance(callee.context, nil, location: who.location, log: world.log)
                let interpreter = Interpreter(world: world)
                guard let target = try? interpreter.member(MemberPath(root: "host", members: ["class_dev"]), &callee, who: by) else { return }
                try? interpreter.refPut(target, callee, holder: holder, who: by)
            }
        } catch {
            throw .errno(.ENOMEM, "devm_mmc_alloc_host(\(type)) failed: \(error)")
        }
    }

    private func touch(_ p: MemberPath, _ what: String, _ frame: inout Frame, who: Provenance) throws(DescribedError) {
        guard case .reference(let r) = try value(p, &frame, who: who) else { throw .invalid("\(what)(\(p)): not a host") }
        try r.object.access("\(what) \(r.object.name)", by: who) { _ throws(DescribedError) in }
    }
}
