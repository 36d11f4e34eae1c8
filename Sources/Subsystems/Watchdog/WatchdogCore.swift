import CharDev
import DriverCore
import Instrumentation

/// The watchdog core (drivers/watchdog/watchdog_core.c + watchdog_dev.c): registers a bound
/// driver's ``WatchdogOps`` as `/dev/watchdogN` (and `/dev/watchdog` for watchdog 0) and
/// unregisters it when the provider unbinds.
///
/// Guarantees: the node is published only after the core object, the device and the driver
/// state are all initialised (class P10, the `/dev/watchdog` open crash fixed on top of
/// `72139dfa2464`); after the provider's unbind no file operation reaches the driver and old
/// files get ENODEV, while unbind never waits for user space to close (it waits only for calls
/// in flight); the core object is released exactly once, after the last close (P7).
/// Ids are allocated lowest-free (the kernel's IDA), so a rebind usually gets `watchdog0` back
/// — as a new object.
public final class WatchdogCore: Sendable {
    public let namespace: DevNamespace
    /// `watchdog_ida` and the registered watchdogs.
    let registry: SubsystemRegistry<WatchdogCoreData>
    /// Test hook: runs after everything is initialised and before the nodes are published.
    let beforePublish = Locked<(@Sendable (WatchdogCoreData) -> Void)?>(nil)

    public init(namespace: DevNamespace) {
        self.namespace = namespace
        registry = SubsystemRegistry(kind: "watchdog", events: namespace.kernel.events)
    }

    /// Registered watchdogs, by id.
    public var watchdogs: [WatchdogCoreData] { registry.objects }

    /// `devm_watchdog_register_device`: registers `ops` for the bound `provider`. The driver's
    /// `watchdog_device` state is allocated in the provider's devres; a devres action
    /// unregisters the watchdog at unbind, before that state is freed.
    ///
    /// May block: no. Cost: two device adds and one or two node publishes.
    /// - Throws: EINVAL for an inconsistent `config`;
    ///   `DriverCoreError.registrationFailed` with ENOMEM (fault
    ///   injection) or EEXIST (a node collision). On failure nothing stays registered and the
    ///   core object is released once (always through the device's put, never freed
    ///   directly: Chen Jun's fix on top of `72139dfa2464`).
    @discardableResult
    public func register(_ ops: any WatchdogOps, config: WatchdogConfig = WatchdogConfig(),
                         provider: borrowing BoundDevice,
                         fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> WatchdogCoreData {
        let site = CallSite(fileID: fileID, line: line)
        guard config.minTimeout >= 0, config.minTimeout <= config.timeout, config.timeout <= config.maxTimeout else {
            throw DriverCoreError.invalidArgument("watchdog timeout \(config.timeout) outside \(config.minTimeout)...\(config.maxTimeout)", site: site)
        }
        let wdd = try provider.devres.alloc(
            WatchdogDeviceState(timeout: config.timeout, minTimeout: config.minTimeout, maxTimeout: config.maxTimeout,
                                nowayout: config.nowayout, stopOnUnregister: config.stopOnUnregister),
            name: "devm_kzalloc(watchdog_device)", fileID: fileID, line: line)
        let parent = provider.device
        return try registry.register(provider: provider, action: "watchdog_unregister", fileID: fileID, line: line,
                                     make: { [self] (id) throws(FileError) in
            let core = WatchdogCoreData(id: id)
            let fops = WatchdogCdevOps(core: core, ops: ops, wdd: wdd, events: namespace.kernel.events)
            core.attach(fops: fops)
            let nodes = try prepareNodes(core, fops: fops, parent: parent, site: site)
            beforePublish.withLock { $0 }?(core)
            return (core, nodes)
        }, remove: { [self] core in
            unregister(core, site: site)
        })
    }

    /// Both nodes, wired and unpublished; on failure nothing stays registered.
    private func prepareNodes(_ core: WatchdogCoreData, fops: WatchdogCdevOps, parent: Device,
                              site: CallSite) throws(FileError) -> [CharDevice] {
        let cdev = try CharDevice.prepare(name: core.name, parent: parent, namespace: namespace, operations: fops,
                                          fileID: site.fileID, line: site.line) { core.released() }
        core.attach(cdev: cdev)
        guard core.id == 0 else { return [cdev] }
        do {
            // A child of watchdog0's device: each open of /dev/watchdog pins the core
            // object through it, as `get_device(&wd_data->dev)` does in watchdog_open.
            let legacy = try CharDevice.prepare(name: "watchdog", parent: cdev.device, namespace: namespace,
                                                operations: fops, fileID: site.fileID, line: site.line)
            core.attach(legacy: legacy)
            return [cdev, legacy]
        } catch {
            cdev.unregister(fileID: site.fileID, line: site.line)
            throw error
        }
    }

    /// `watchdog_unregister_device`: nodes unpublished and fences revoked (no file operation
    /// reaches the driver after this point, none is still running), then — if configured —
    /// the watchdog is stopped while the driver is still bound. The kernel stops first and
    /// then NULLs `wd_data->wdd` under its mutex; revoking first also keeps a racing write
    /// from restarting it. Never waits for open files.
    func unregister(_ core: WatchdogCoreData, site: CallSite) {
        registry.remove(core, fileID: site.fileID, line: site.line) {
            // The warning names the provider, which is still bound: with no file open, the
            // unregister below drops the last reference on the watchdog's own device (found
            // by the explorer's sanitizer: a warning emitted on it after its release).
            let provider = core.cdev?.device.parent
            core.legacyCdev?.unregister(fileID: site.fileID, line: site.line)
            core.cdev?.unregister(fileID: site.fileID, line: site.line)
            guard let fops = core.fops, let state = try? fops.wdd.get(), state.active else { return }
            if state.stopOnUnregister, (try? fops.stop()) == true { return }
            namespace.kernel.events.emit(.warning, object: provider?.id ?? ObjectID.next(), name: provider?.name ?? core.name,
                                         detail: "\(core.name): watchdog still running at unregister", site: site)
        }
    }
}
