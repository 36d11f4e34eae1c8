import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// Net devices (`alloc_etherdev`, `register_netdev`, `unregister_netdev`, `free_netdev`,
/// `dev_hold`/`dev_put` and their devm forms, net/core/dev.c and net/devres.c) on the
/// board's net core, so user space's sockets reach described drivers' net devices too.
///
/// A described netdev is named by its priv struct; the priv is freed with the netdev's block
/// (at `free_netdev`, or at the last device reference after it), so a use of it afterwards is
/// a use after free. `register_netdev` is the kernel's: nothing unregisters a netdev its
/// driver leaves registered, and its ops, reached through the net device's fence (revoked
/// only at unregister), then run on whatever the unbind freed.
extension Interpreter {
    func runNet(_ op: Operation, _ frame: inout Frame, who: Provenance) throws(DescribedError) {
        switch op {
        case .allocEtherdev(let type, let name, let managed):
            guard world.description.types[type] != nil else { throw .invalid("no struct type \(type)") }
            let priv = DescribedObject(type: type, allocation: .kzalloc, name: world.instanceName(type),
                                       allocatedBy: who, events: world.kernel.events, log: world.log)
            let dev = world.net.allocNetdev(privArea: DescribedNetdevPriv(priv, world: world))
            if managed {
                guard let device = frame.device else { throw .invalid("devm_alloc_etherdev with no bound device") }
                do { try world.net.devmFree(dev, owner: device) } catch { throw .errno(error.errno, "devm_alloc_etherdev: \(error)") }
            }
            world.netdevs.withLock { $0[priv.id] = dev }
            frame.locals[name] = .reference(Reference(priv))
        case .registerNetdev(let p, let names, let managed):
            let (dev, priv) = try netdev(p, &frame, who: who)
            guard let parent = frame.device else { throw .invalid("register_netdev with no bound device (SET_NETDEV_DEV)") }
            let ops = DescribedNetdevOps(world: world, names: names, priv: priv, parent: parent)
            do {
                try world.net.register(dev, ops: ops, parent: parent, managed: managed, atUnbind: managed ? .unregister : .nothing)
            } catch {
                throw .errno(error.errno, "\(managed ? "devm_" : "")register_netdev(\(priv)): \(error)")
            }
        case .unregisterNetdev(let p):
            world.net.unregister(try netdev(p, &frame, who: who).0)
        case .freeNetdev(let p):
            world.net.free(try netdev(p, &frame, who: who).0)
        case .devHold(let p):
            world.net.hold(try netdev(p, &frame, who: who).0, holder: frame.holder?.name ?? "driver")
        case .devPut(let p):
            world.net.put(try netdev(p, &frame, who: who).0, holder: frame.holder?.name ?? "driver")
        default:
            throw .invalid("\(op.name) is not a net device step")
        }
    }

    /// The net device a path names (by its priv). Naming it reads no memory, as in C.
    private func netdev(_ p: MemberPath, _ frame: inout Frame, who: Provenance) throws(DescribedError) -> (NetDevice, Reference) {
        guard case .reference(let r) = try value(p, &frame, who: who), r.path.isEmpty,
              let dev = world.netdevs.withLock({ $0[r.object.id] }) else {
            throw .invalid("\(p) is not a net device's priv (from alloc_etherdev)")
        }
        return (dev, r)
    }
}

/// A described priv struct as the net core's priv area: freed with the netdev's block.
final class DescribedNetdevPriv: NetPrivArea {
    let object: DescribedObject
    let world: DescribedWorld
    init(_ object: DescribedObject, world: DescribedWorld) {
        self.object = object
        self.world = world
    }
    var isLive: Bool { !object.isFreed }
    func free(fileID: StaticString, line: UInt) throws(DriverCoreError) {
        let by = Provenance(CallPath("netdev_release → free \(object.name) (netdev_priv)"), nil, location: nil, log: world.log)
        try? object.free(by: by, byDevres: false)
    }
}

/// A described `struct net_device_ops`: each op runs its function with `self` = the priv,
/// as the code of the driver bound to `parent`. The net core calls it only inside the net
/// device's fence.
final class DescribedNetdevOps: NetDeviceOps {
    let world: DescribedWorld
    let names: NetdevOpsNames
    let priv: Reference
    let parent: Device
    init(world: DescribedWorld, names: NetdevOpsNames, priv: Reference, parent: Device) {
        self.world = world
        self.names = names
        self.priv = priv
        self.parent = parent
    }

    private func call(_ function: String?, _ caller: String) throws(FileError) {
        guard let function else { return }
        var frame = Frame(context: CallPath("\(caller)(\(priv.object.name)) → \(function)"), device: parent,
                          locals: ["self": .reference(priv)])
        do {
            try Interpreter(world: world).runFunction(world.description.functions[function] ?? [], &frame)
        } catch {
            throw FileError(error.errno, "\(function): \(error)")
        }
    }

    func open() throws(FileError) { try call(names.open, "dev_open") }
    func stop() { try? call(names.stop, "dev_close") }
    func startXmit(_ frame: [UInt8]) throws(FileError) { try call(names.startXmit, "dev_hard_start_xmit") }
}
