import CharDev
import DriverCore
import Instrumentation

/// The watchdog core before `e907df327252` (classes P1/P4), as a legacy subsystem:
/// `/dev/watchdogN`'s file operations follow a pointer to the driver's `struct
/// watchdog_device`, which a driver that allocates it dynamically keeps in bound-scope memory
/// (devres here). Unbinding (sysfs, or the parent bus going away) frees it while a daemon
/// holds the node open, and the daemon's next ping runs on freed memory. The 2012 fix
/// (`fixed: true`): the driver's `ref`/`unref` callbacks keep its `watchdog_device` until the
/// last close (plain memory freed in `unref`, not devres), and the core marks the device
/// `WDOG_UNREGISTERED` under its lock at unregister and refuses every later operation with
/// ENODEV. Guenter Roeck's 2015 rework replaced both with core-owned state — the design the
/// real `Subsystems/Watchdog` follows. Teaching material only.
final class LegacyWatchdogDriverOwned: DeviceDriver {
    let name = "legacy-wdt"
    let idTable = ["legacy-wdt"]
    let namespace: DevNamespace
    let fixed: Bool

    init(namespace: DevNamespace, fixed: Bool) {
        self.namespace = namespace
        self.fixed = fixed
    }

    /// The driver's `struct watchdog_device`: what a ping reaches.
    struct WatchdogDevice: Sendable {
        var timeout = 30
        var pings = 0
    }

    /// `WDIOC_KEEPALIVE`.
    struct Keepalive: IoctlRequest {
        typealias Reply = Int
        static let name = "WDIOC_KEEPALIVE"
    }

    /// The core's view of the watchdog: the driver's device, the lock and the flag of the fix.
    final class Core: Sendable {
        let wdd: ModelMemory<WatchdogDevice>
        let lock: ModelLock
        let unregistered = Locked(false)
        init(wdd: ModelMemory<WatchdogDevice>, events: EventStream) {
            self.wdd = wdd
            lock = ModelLock(class: "watchdog_device.lock", name: "watchdog0.lock", events: events)
        }
    }

    final class Ops: FileOperations {
        let core: Core
        let fixed: Bool
        init(core: Core, fixed: Bool) {
            self.core = core
            self.fixed = fixed
        }

        func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
            guard request is Keepalive else { throw FileError(.ENOTTY, "\(type(of: request).name) on \(file.node)") }
            if fixed {
                return try core.lock.withLock { () throws(FileError) -> Int in
                    if core.unregistered.withLock({ $0 }) { throw FileError(.ENODEV, "watchdog0: unregistered") }
                    return try ping()
                }
            }
            return try ping()  // wdd->ops->ping(wdd): the driver may be long gone
        }

        private func ping() throws(FileError) -> Int {
            do { return try core.wdd.write { $0.pings += 1; return $0.pings } } catch { throw FileError(.EIO, "\(error)") }
        }

        /// The last close: the fix's `unref` callback frees the driver's device now.
        func release(_ file: FileContext) {
            if fixed { try? core.wdd.free() }
        }
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let (namespace, fixed) = (self.namespace, self.fixed)
        let events = device.device.kernel.events
        try ProbeError.mapping {
            // Dynamically allocated: devm before the fix, freed by `unref` after it.
            let wdd = fixed ? ModelMemory(WatchdogDevice(), name: "watchdog_device (unref frees)", events: events)
                : try device.devres.alloc(WatchdogDevice(), name: "devm_kzalloc(watchdog_device)")
            let core = Core(wdd: wdd, events: events)
            // The old core did its own checking (or none): no fence from the helper.
            let cdev = try CharDevice.register(name: "watchdog0", parent: device.device, namespace: namespace,
                                               operations: Ops(core: core, fixed: fixed), protection: .legacyUnchecked)
            try device.devres.addActionOrReset(ActionKey("watchdog_unregister_device", data: cdev)) {
                if fixed { core.lock.withLock { core.unregistered.withLock { $0 = true } } }
                cdev.unregister()
            }
        }
    }
}
