import CharDev
import DriverCore
import Instrumentation

/// The tty layer (drivers/tty/tty_port.c, drivers/tty/tty_io.c): a port's node and its hangup.
///
/// The port's refcount is a `kref` member (`tty_port_init`, `tty_port_get`, `tty_port_put` are
/// the ref steps), its destructor that kref's release. The node is registered as the tty
/// layer does: without a fence — the tty core never revokes a file's operations; what stops
/// old files from reaching the driver is the hangup, which swaps their operations for
/// `hung_up_tty_fops` (read 0, write and ioctl EIO, poll IN|OUT|ERR|HUP). A driver that
/// unregisters its node without hanging up first leaves every open file calling into it.
extension Interpreter {
    func runTTY(_ op: Operation, _ frame: inout Frame, who: Provenance) throws(DescribedError) {
        switch op {
        case .ttyPortRegisterDevice(let p, let node, let fops):
            let port = try member(p, &frame, who: who)
            guard case .kref = port.1 else { throw .invalid("tty_port_register_device: \(port.0) is a \(port.1), not a port's kref") }
            try port.0.object.access("tty_port_register_device \(port.0.key)", by: who) { _ throws(DescribedError) in }
            try registerTTY(port: port.0, node: node, fops: fops, frame)
        case .ttyUnregisterDevice(let p):
            let port = try member(p, &frame, who: who)
            try port.0.object.access("tty_unregister_device \(port.0.key)", by: who) { _ throws(DescribedError) in }
            world.unregister(key: port.0.memberKey)?.unregister()
        case .ttyPortTTYHangup(let p):
            let port = try member(p, &frame, who: who)
            // tty_port_tty_get reads port->tty under the port's lock: the port's memory.
            try port.0.object.access("tty_port_tty_hangup \(port.0.key)", by: who) { _ throws(DescribedError) in }
            world.hangUp(key: port.0.memberKey)
        default:
            throw .invalid("\(op.name) is not a tty step")
        }
    }

    private func registerTTY(port: Reference, node: String, fops: String, _ frame: Frame) throws(DescribedError) {
        guard let spec = world.description.fops[fops] else { throw .invalid("no fops \(fops)") }
        let operations = DescribedFileOperations(world: world, fops: spec, cdev: nil, misc: nil, parent: frame.device,
                                                 module: frame.module, ttyPort: port)
        do {
            let registered = try CharDevice.register(name: node, parent: frame.device, namespace: world.namespace,
                                                     operations: operations,
                                                     protection: spec.protection == .fence ? .revocable : .legacyUnchecked,
                                                     gone: .hungUp)
            world.register(registered, key: port.memberKey)
        } catch {
            throw .errno(error.errno, "registering /dev/\(node): \(error.message)")
        }
    }
}

extension DescribedWorld {
    /// Hangs up the files of the tty whose port is `key` and wakes their sleepers.
    func hangUp(key: String) {
        hungUp.withLock { _ = $0.insert(key) }
        registration(key: key)?.notify()
    }

    func isHungUp(key: String) -> Bool { hungUp.withLock { $0.contains(key) } }
}
