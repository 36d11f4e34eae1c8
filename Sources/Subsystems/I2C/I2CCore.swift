import CharDev
import DriverCore
import Instrumentation

/// The I2C core: registers adapters (each an ``I2CAdapter`` with an i2c-dev style
/// `/dev/i2c-N` node), instantiates in-kernel clients, and removes adapters when their
/// providers unbind.
///
/// The difference from drivers/i2c/i2c-core-base.c that matters (class P5 of Docs/bug-classes.md): the
/// kernel's `i2c_del_adapter()` ends with `wait_for_completion(&adap->dev_released)`, so an
/// unbind blocks until user space closes `/dev/i2c-N`. Here removal is the CharDev protocol:
/// unpublish, revoke (waits only for transfers in flight), wake, drop the registration
/// reference — and returns. Open files and clients get ENODEV; the object is released at the
/// last close or put.
///
/// Bus numbers are allocated lowest-free (the kernel's `i2c_adapter_idr`): a rebind usually
/// gets `i2c-N` back, as a *new* object; files on the old one stay dead. Thread-safe.
public final class I2CCore: @unchecked Sendable {
    public let namespace: DevNamespace
    private let adaptersByNumber = Locked<[Int: I2CAdapter]>([:])
    /// Numbers reserved by registrations still in progress.
    private let reserved = Locked<Set<Int>>([])

    public init(namespace: DevNamespace) { self.namespace = namespace }

    /// Registered adapters, by number.
    public var adapters: [I2CAdapter] { adaptersByNumber.withLock { a in a.keys.sorted().compactMap { a[$0] } } }

    /// The registered adapter `i2c-N`, if any.
    public func adapter(number: Int) -> I2CAdapter? { adaptersByNumber.withLock { $0[number] } }

    /// `devm_i2c_add_adapter`: registers an adapter driven by `ops` for the bound `provider`,
    /// publishes `/dev/i2c-N` (after everything is wired, P10) and arranges, through a devres
    /// action on the provider, that it is removed at the provider's unbind.
    ///
    /// - Returns: the subsystem-owned adapter object (it outlives the provider while files or
    ///   clients reference it).
    /// - Throws: if the device cannot be added or the devres action not registered (then
    ///   nothing stays registered).
    /// - Cost: one device add, one node publish. May block on the devfs lock only.
    @discardableResult
    public func addAdapter(_ ops: any I2CAdapterOps, provider: borrowing BoundDevice,
                           fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> I2CAdapter {
        let site = CallSite(fileID: fileID, line: line)
        let number = allocateNumber()
        defer { reserved.withLock { _ = $0.remove(number) } }
        let clients = I2CClientTable()
        let adapter: I2CAdapter
        do {
            let cdev = try CharDevice.prepare(name: "i2c-\(number)", parent: provider.device, namespace: namespace,
                                              operations: I2CAdapterBinding(ops: ops, clients: clients),
                                              fileID: fileID, line: line)
            adapter = I2CAdapter(number: number, cdev: cdev, clients: clients)
            adaptersByNumber.withLock { $0[number] = adapter }
            try cdev.publish(fileID: fileID, line: line)
        } catch {
            adaptersByNumber.withLock { $0[number] = nil }
            throw DriverCoreError.invalidArgument("i2c adapter registration failed: \(error)", site: site)
        }
        try provider.devres.addActionOrReset(ActionKey("i2c_del_adapter", data: adapter), fileID: fileID, line: line) { [self] in
            self.removeAdapter(adapter, site: site)
        }
        return adapter
    }

    private func allocateNumber() -> Int {
        // Both tables under one order: adapters first, then reservations (never the reverse).
        adaptersByNumber.withLock { a in
            reserved.withLock { r in
                var n = 0
                while a[n] != nil || r.contains(n) { n += 1 }
                r.insert(n)
                return n
            }
        }
    }

    /// `i2c_del_adapter`, without its wait: numbs the adapter (no transfer reaches the driver
    /// any more), wakes sleepers, removes the node and frees the number. Returns once the
    /// transfers in flight have finished — never waits for open files or client handles.
    func removeAdapter(_ adapter: I2CAdapter, site: CallSite) {
        if !adapter.clientAddresses.isEmpty {
            namespace.kernel.events.emit(.warning, object: adapter.cdev.device.id, name: adapter.name,
                                         detail: "removing adapter with clients still held", site: site)
        }
        adaptersByNumber.withLock { a in if a[adapter.number] === adapter { a[adapter.number] = nil } }
        adapter.cdev.unregister(fileID: site.fileID, line: site.line)
    }

    /// `i2c_new_client_device` for an in-kernel consumer (another driver): a handle on the
    /// device at `address` on adapter `i2c-N`. It holds a reference on the adapter object,
    /// never on its driver, and gets ENODEV once the adapter's provider is gone (class P8).
    ///
    /// - Throws: ENOENT if there is no adapter `number`; EINVAL for a non-7-bit address; EBUSY
    ///   if another client uses the address; ENODEV if the adapter is being removed.
    public func newClient(adapter number: Int, address: UInt16, name: String,
                          fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> I2CClient {
        guard let adapter = adapter(number: number) else { throw FileError(.ENOENT, "no I2C adapter i2c-\(number)") }
        guard address <= 0x7f else { throw FileError(.EINVAL, "client \(name): 0x\(String(address, radix: 16)) is not 7-bit") }
        guard adapter.isAlive else { throw FileError.noDevice(adapter.name) }
        do {
            try adapter.cdev.device.get(fileID: fileID, line: line)
        } catch {
            throw FileError.noDevice(adapter.name)
        }
        do {
            try adapter.clients.claim(address, by: name)
        } catch {
            try? adapter.cdev.device.put(fileID: fileID, line: line)
            throw error
        }
        return I2CClient(adapter: adapter, address: address, name: name)
    }
}
