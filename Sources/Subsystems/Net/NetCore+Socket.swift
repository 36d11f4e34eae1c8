import CharDev
import DriverCore
import Instrumentation

extension NetCore {
    /// `socket(2)`: an AF_INET socket for interface ioctls, or, with `bindTo`, an AF_PACKET
    /// socket bound to that interface (`bind` with `sll_ifindex`; ENODEV if it is not listed).
    /// The file holds no reference on any net device.
    public func socket(bindTo ifname: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> OpenFile {
        let ifindex: Int? = try ifname.map { (n) throws(FileError) -> Int in try lookup(n) { $0.ifindex } }
        let sockfs = try socketDevice(fileID: fileID, line: line)
        return try sockfs.openAnonymous(name: "socket", privateData: NetSocketState(boundIfindex: ifindex),
                                        fileID: fileID, line: line)
    }

    /// The sockets' device (sockfs), made at the first socket and never unregistered.
    private func socketDevice(fileID: StaticString, line: UInt) throws(FileError) -> CharDevice {
        try sockets.withLock { (s: inout CharDevice?) throws(FileError) -> CharDevice in
            if let s { return s }
            let made = try CharDevice.prepare(name: "sockfs", parent: nil, namespace: namespace,
                                              operations: NetSocketOps(core: self), fileID: fileID, line: line)
            s = made
            return made
        }
    }

    /// Unregisters the sockets' device (a core's teardown: `sock_unregister` at exit): open
    /// sockets get ENODEV from then on; the next ``socket(bindTo:fileID:line:)`` makes a new one.
    public func unregisterSockets(fileID: StaticString = #fileID, line: UInt = #line) {
        sockets.withLock { s -> CharDevice? in defer { s = nil }; return s }?.unregister(fileID: fileID, line: line)
    }

    /// `dev_get_by_name_rcu` and a read under the table lock: ENODEV when `name` is not listed.
    func lookup<R>(_ name: String, _ body: (NetDevice) -> R) throws(FileError) -> R {
        do {
            return try registry.lookup(nil, where: { $0.name == name }) { dev in body(dev) }
        } catch {
            throw FileError(.ENODEV, "\(name): no such device")
        }
    }

    /// `dev_change_flags` under rtnl: `ndo_open` or `ndo_stop` through the device's fence.
    func changeFlags(_ name: String, up: Bool) throws(FileError) {
        try rtnl.withLock { () throws(FileError) in
            // Under rtnl, as `__dev_get_by_name`: unregister's close needs rtnl too, so the
            // device found stays registered until this returns.
            let dev = try lookup(name) { $0 }
            guard dev.flags.contains(.up) != up, let cdev = dev.cdev else { return }
            try cdev.withOperations { (ops: (any FileOperations)?) throws(FileError) in
                guard let binding = ops as? NetDeviceBinding else { throw FileError(.ENODEV, "\(name): no such device") }
                if up { try binding.ops.open() } else { binding.ops.stop() }
            }
            dev.update { s in if up { s.flags.formUnion([.up, .running]) } else { s.flags.subtract([.up, .running]) } }
        }
    }

    /// `packet_snd`: `dev_get_by_index` (ENXIO when not listed), ENETDOWN when down, then
    /// `ndo_start_xmit` through the fence, then `dev_put`.
    func transmit(_ frame: [UInt8], ifindex: Int) throws(FileError) {
        let site = CallSite()
        let dev: NetDevice
        do {
            dev = try registry.lookup(nil, where: { $0.ifindex == ifindex }) { d in
                d.refs.hold("packet_snd", device: d.name, site: site)
                return d
            }
        } catch {
            throw FileError(.ENXIO, "send: no device with ifindex \(ifindex)")
        }
        defer { dev.refs.put("packet_snd", device: dev.name, site: site) }
        guard dev.flags.contains(.up), let cdev = dev.cdev else { throw FileError(.ENETDOWN, "send on \(dev.name): down") }
        try cdev.withOperations { (ops: (any FileOperations)?) throws(FileError) in
            guard let binding = ops as? NetDeviceBinding else { throw FileError(.ENETDOWN, "send on \(dev.name): going away") }
            try binding.ops.startXmit(frame)
        }
    }
}
