import CharDev
import DriverCore
import Instrumentation

extension NetCore {
    /// `SET_NETDEV_DEV(dev, parent)` + `register_netdev`: names the device from its template
    /// (`eth%d` → `ethN`), gives it an ifindex, adds its struct device under the bound
    /// `provider` with `ops` behind CharDev's fence, and lists it (lookups find it from here).
    ///
    /// The registration always leaves a devres action on the provider: with `managed`
    /// (`devm_register_netdev`, which requires a netdev from `devm_alloc_etherdev` on the same
    /// device, as net/devres.c checks) it is the unregister; otherwise it is a safety net that
    /// warns and unregisters a netdev the driver's remove left registered.
    ///
    /// - Throws: EINVAL for a netdev not in its initial state (or a devm mismatch);
    ///   `DriverCoreError.registrationFailed` with ENOMEM under fault injection.
    public func register(_ dev: NetDevice, ops: any NetDeviceOps, provider: borrowing BoundDevice, managed: Bool = false,
                         fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        try register(dev, ops: ops, parent: provider.device, managed: managed, atUnbind: managed ? .unregister : .warnAndUnregister,
                     fileID: fileID, line: line)
    }

    /// What the registration's devres action on the parent does at its unbind.
    package enum AtParentUnbind: Sendable {
        /// `devm_register_netdev`'s action: the expected unregister.
        case unregister
        /// The model's safety net for `register_netdev`: a netdev still registered is
        /// unregistered, with a warning.
        case warnAndUnregister
        /// Nothing, as in the kernel: a netdev the driver left registered outlives its driver
        /// (its ops still reachable). For described drivers, whose bugs must be expressible.
        case nothing
    }

    /// The registration on a bound `parent` (the caller holds its binding: a probe).
    package func register(_ dev: NetDevice, ops: any NetDeviceOps, parent: Device, managed: Bool, atUnbind: AtParentUnbind,
                          fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        let (reg, owner) = dev.update { ($0.reg, $0.devmOwner) }
        guard reg == .uninitialized else {
            throw DriverCoreError.invalidArgument("register_netdev of \(dev.name) in state \(reg.rawValue)", site: site)
        }
        if managed, owner !== parent {
            throw DriverCoreError.invalidArgument("devm_register_netdev: \(dev.name) was not devm-allocated on \(parent.name)", site: site)
        }
        let action = switch atUnbind {
        case .unregister: "devm_unregister_netdev"
        case .warnAndUnregister: "unregister_netdev(safety net)"
        case .nothing: "register_netdev(no devres)"
        }
        // Set once the registration returned: before that, the devres action runs only as
        // addActionOrReset's reset, which must undo the registration whatever `atUnbind` says.
        let completed = Locked(false)
        _ = try registry.register(devres: parent.devres, action: action, fileID: fileID, line: line,
                                  make: { [self] (number) throws(FileError) in
            let name = dev.template.split(separator: "%d", omittingEmptySubsequences: false).joined(separator: "\(number)")
            let priv = dev.priv
            let cdev = try CharDevice.prepare(name: name, parent: parent, namespace: namespace,
                                              operations: NetDeviceBinding(ops: ops), fileID: fileID, line: line) {
                // netdev_release: the block goes, and the priv that lives in it. Not when the
                // device_add itself failed: the netdev is then still its driver's to free_netdev.
                if dev.registrationState != .uninitialized { try? priv.free(fileID: fileID, line: line) }
            }
            // The allocation's reference (device_initialize in alloc_netdev), free_netdev's to drop.
            _ = try? cdev.device.get(fileID: fileID, line: line)
            let ifindex = nextIfindex.withLock { i -> Int in defer { i += 1 }; return i }
            dev.update { s in
                s.name = name
                s.ifindex = ifindex
                s.cdev = cdev
                s.parent = parent
                s.managed = managed
                s.reg = .registered
            }
            events.emit(.netdevRegister, object: dev.refs.id, name: name, detail: "ifindex \(ifindex) parent \(parent.name)", site: site)
            return (dev, [])
        }, remove: { [self] dev in
            switch atUnbind {
            case .nothing where completed.withLock({ $0 }): return
            case .nothing: break
            case .unregister: break
            case .warnAndUnregister:
                // Only a netdev still registered is a leftover: the classic remove already
                // unregistered (and freed) its own.
                if dev.registrationState == .registered, completed.withLock({ $0 }) {
                    events.emit(.warning, object: parent.id, name: parent.name,
                                detail: "\(dev.name) still registered at the unbind of its parent: unregistering it", site: site)
                }
            }
            unregister(dev, fileID: fileID, line: line)
        })
        completed.withLock { $0 = true }
    }

    /// `devm_register_netdev` (net/devres.c).
    public func devmRegister(_ dev: NetDevice, ops: any NetDeviceOps, provider: borrowing BoundDevice,
                             fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        try register(dev, ops: ops, provider: provider, managed: true, fileID: fileID, line: line)
    }

    /// `unregister_netdev`: close (`ndo_stop` if up), unlist, revoke the fence (waits for calls
    /// in flight), `device_del`, then wait for dev_hold references (kernel users only; warns
    /// after the core's `unregisterWarning` and goes on waiting). A second call does nothing.
    public func unregister(_ dev: NetDevice, fileID: StaticString = #fileID, line: UInt = #line) {
        let site = CallSite(fileID: fileID, line: line)
        let removed = registry.remove(dev, fileID: fileID, line: line) {
            let cdev = rtnl.withLock(site: site) { () -> CharDevice? in
                let (wasUp, cdev) = dev.update { s -> (Bool, CharDevice?) in
                    defer { s.flags.subtract([.up, .running]); s.reg = .unregistering }
                    return (s.flags.contains(.up), s.cdev)
                }
                if wasUp { cdev?.withOperations { ($0 as? NetDeviceBinding)?.ops.stop() } }
                return cdev
            }
            cdev?.unregister(fileID: fileID, line: line)
            events.emit(.netdevUnregister, object: dev.refs.id, name: dev.name, site: site)
            dev.refs.waitUntilDrained(device: dev.name, warnAfter: unregisterWarning, site: site)
            dev.update { $0.reg = .unregistered }
        }
        if !removed, dev.registrationState == .uninitialized {
            events.emit(.warning, object: dev.refs.id, name: dev.name, detail: "unregister_netdev of an unregistered device", site: site)
        }
    }

    // MARK: dev_hold / dev_put

    /// `dev_get_by_name` for a kernel user: the device with a dev_hold by `holder`, or ENODEV.
    /// The reference is taken under the table lock, so a racing unregister (which unlists
    /// first) either is not yet waiting or never sees it.
    public func hold(named name: String, holder: String, fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> NetDevice {
        let site = CallSite(fileID: fileID, line: line)
        do {
            return try registry.lookup(nil, where: { $0.name == name }, fileID: fileID, line: line) { dev in
                dev.refs.hold(holder, device: dev.name, site: site)
                return dev
            }
        } catch {
            throw FileError(.ENODEV, "\(name): no such device")
        }
    }

    /// `dev_hold` on a device the caller already holds (a driver's own netdev).
    public func hold(_ dev: NetDevice, holder: String, fileID: StaticString = #fileID, line: UInt = #line) {
        dev.refs.hold(holder, device: dev.name, site: CallSite(fileID: fileID, line: line))
    }

    /// `dev_put` of `holder`'s reference.
    public func put(_ dev: NetDevice, holder: String, fileID: StaticString = #fileID, line: UInt = #line) {
        dev.refs.put(holder, device: dev.name, site: CallSite(fileID: fileID, line: line))
    }
}
