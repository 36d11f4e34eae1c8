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
public final class I2CCore: Sendable {
    public let namespace: DevNamespace
    /// The kernel's `i2c_adapter_idr` under `core_lock`: numbers, lookups, removals.
    let registry: SubsystemRegistry<I2CAdapter>

    public init(namespace: DevNamespace) {
        self.namespace = namespace
        registry = SubsystemRegistry(kind: "i2c adapter", events: namespace.kernel.events)
    }

    /// Registered adapters, by number.
    public var adapters: [I2CAdapter] { registry.objects }

    /// The registered adapter `i2c-N`, if any. A snapshot: ``newClient(adapter:address:name:fileID:line:)``
    /// is how a consumer takes a reference on one.
    public func adapter(number: Int) -> I2CAdapter? { registry.object(number: number) }

    /// `devm_i2c_add_adapter`: registers an adapter driven by `ops` for the bound `provider`,
    /// publishes `/dev/i2c-N` (after everything is wired) and arranges, through a devres
    /// action on the provider, that it is removed at the provider's unbind.
    ///
    /// - Returns: the subsystem-owned adapter object (it outlives the provider while files or
    ///   clients reference it).
    /// - Throws: `DriverCoreError.registrationFailed` with the
    ///   errno of what failed (EEXIST for a taken node, ENOMEM for an injected failure);
    ///   nothing stays registered then.
    /// - Cost: one device add, one node publish. May block on the table and devfs locks only.
    @discardableResult
    public func addAdapter(_ ops: any I2CAdapterOps, provider: borrowing BoundDevice,
                           fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> I2CAdapter {
        let parent = provider.device
        return try registry.register(provider: provider, action: "i2c_del_adapter", fileID: fileID, line: line,
                                     make: { [namespace] (number) throws(FileError) in
            let clients = I2CClientTable()
            let cdev = try CharDevice.prepare(name: "i2c-\(number)", parent: parent, namespace: namespace,
                                              operations: I2CAdapterBinding(ops: ops, clients: clients),
                                              fileID: fileID, line: line)
            return (I2CAdapter(number: number, cdev: cdev, clients: clients), [cdev])
        }, remove: { [self] adapter in
            removeAdapter(adapter, site: CallSite(fileID: fileID, line: line))
        })
    }

    /// `i2c_del_adapter`, without its wait: numbs the adapter (no transfer reaches the driver
    /// any more), wakes sleepers, removes the node and frees the number. Returns once the
    /// transfers in flight have finished — never waits for open files or client handles.
    func removeAdapter(_ adapter: I2CAdapter, site: CallSite) {
        registry.remove(adapter, fileID: site.fileID, line: site.line) {
            if !adapter.clientAddresses.isEmpty {
                namespace.kernel.events.emit(.warning, object: adapter.cdev.device.id, name: adapter.name,
                                             detail: "removing adapter with clients still held", site: site)
            }
            adapter.cdev.unregister(fileID: site.fileID, line: site.line)
        }
    }

    /// `i2c_new_client_device` for an in-kernel consumer (another driver): a handle on the
    /// device at `address` on adapter `i2c-N`. It holds a reference on the adapter object,
    /// never on its driver, and gets ENODEV once the adapter's provider is gone.
    ///
    /// The reference is taken under the adapter table's lock (the kernel's `i2c_get_adapter`
    /// does `get_device` under `core_lock` for the same reason): a racing removal takes the
    /// adapter out of the table under that lock before it drops the registration reference.
    ///
    /// - Throws: ENOENT if there is no adapter `number`; EINVAL for a non-7-bit address; EBUSY
    ///   if another client uses the address; ENODEV if the adapter is being removed.
    public func newClient(adapter number: Int, address: UInt16, name: String,
                          fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> I2CClient {
        guard address <= 0x7f else { throw FileError(.EINVAL, "client \(name): 0x\(String(address, radix: 16)) is not 7-bit") }
        let adapter = try registry.lookup(number, fileID: fileID, line: line) { (adapter) throws(FileError) -> I2CAdapter in
            try adapter.cdev.acquireReference(site: CallSite())
            return adapter
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
