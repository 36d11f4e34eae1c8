import CShim
import Instrumentation

/// One simulated kernel: its buses, devices, drivers, links, deferred-probe list, event
/// stream and fault injector.
///
/// Everything the driver core does happens against a `Kernel`, never against global state,
/// so independent kernels (one per test, one per explored schedule) never interfere.
///
/// Thread safety: every method may be called from any thread. Bookkeeping is guarded by one
/// internal lock that is never held across a driver callback; probe and remove run under the
/// device's own ``Device/lock``. Matching is by index (see ``Bus``): adding a device or a
/// driver costs time proportional to its candidates, not to the number of drivers or devices.
// Sendable: `Registry` holds `BusIndex` objects, mutated only inside `registry.withLock`; every other field is a `Locked` or immutable.
public final class Kernel: @unchecked Sendable {
    /// The one stream every lifetime-relevant event of this kernel goes through.
    public let events = EventStream()
    public let faults: FaultInjector
    let registry = Locked(Registry())
    let deferredWork = Locked(DeferredWork())
    private let settings = Locked(Settings())
    private let warningLog = Locked<[Warning]>([])
    let softwareNodes = Locked<[ObjectID: FirmwareNode]>([:])
    /// Loaded modules (kernel/module/main.c's `modules` list).
    let modules = Locked(ModuleTable())
    /// The sysfs attribute files of this kernel's devices (fs/sysfs, fs/kernfs).
    public let sysfs: Sysfs

    /// A WARN or dev_err the kernel would have printed.
    public struct Warning: Sendable, CustomStringConvertible {
        public let device: String
        public let message: String
        public let kind: EventKind
        public let site: CallSite
        public var description: String { "\(site): WARNING: \(device): \(message)" }
    }

    struct Settings {
        var testDriverRemove = false
    }

    public init() {
        faults = FaultInjector(events: events)
        sysfs = Sysfs(events: events)
    }

    /// `CONFIG_DEBUG_TEST_DRIVER_REMOVE`: after every successful probe, run the full remove
    /// path (remove, devres release, state reset) and probe again, once.
    public var testDriverRemove: Bool {
        get { settings.withLock { $0.testDriverRemove } }
        set { settings.withLock { $0.testDriverRemove = newValue } }
    }

    /// Forgets every bus, device, driver and link without running any lifetime callback: for
    /// a tool that throws a whole simulated kernel away (the explorer, after each execution).
    /// Devices point at their kernel and the kernel at its devices; without this, a kernel
    /// dropped with its board still registered would never be freed.
    public func discard() {
        registry.withLock { $0 = Registry() }
        softwareNodes.withLock { $0 = [:] }
        modules.withLock { $0 = ModuleTable() }
        sysfs.discard()
    }

    /// Every warning so far, oldest first.
    public var warnings: [Warning] { warningLog.withLock { $0 } }

    func warn(deviceID: ObjectID, deviceName: String, _ message: String, kind: EventKind = .warning, site: CallSite) {
        warningLog.withLock { $0.append(Warning(device: deviceName, message: message, kind: kind, site: site)) }
        events.emit(kind, object: deviceID, name: deviceName, detail: message, site: site)
    }

    // MARK: Buses

    public func registerBus(_ bus: Bus, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {

        let site = CallSite(fileID: fileID, line: line)
        try registry.withLock { r throws(DriverCoreError) in
            guard r.buses[bus.name] == nil else {
                throw DriverCoreError.alreadyRegistered(kind: "bus", name: bus.name, site: site)
            }
            r.buses[bus.name] = BusIndex(bus: bus)
        }
    }

    public func bus(named name: String) -> Bus? { registry.withLock { $0.buses[name]?.bus } }

    // MARK: Lookup

    /// The device of that name that is currently added, if any.
    public func device(named name: String) -> Device? { registry.withLock { $0.devicesByName[name] } }

    func device(id: ObjectID) -> Device? { registry.withLock { $0.devices[id] } }

    /// All added devices, in the order they were created.
    public var devices: [Device] { registry.withLock { Array($0.devices.values) }.sorted { $0.id < $1.id } }

    /// Names of the drivers registered on `bus`, in registration order.
    public func driverNames(on bus: Bus) -> [String] {
        registry.withLock { r in
            (r.buses[bus.name]?.driversByName.values.sorted { $0.sequence < $1.sequence } ?? []).map(\.driver.name)
        }
    }

    func driverRecord(named name: String, on bus: Bus) -> DriverRecord? {
        registry.withLock { $0.buses[bus.name]?.driversByName[name] }
    }
}

/// The kernel's tables. Guarded by `Kernel.registry`; never held across a callback.
struct Registry {
    var buses: [String: BusIndex] = [:]
    var devices: [ObjectID: Device] = [:]
    var devicesByName: [String: Device] = [:]
    var driverSequence: UInt64 = 0
    /// The deferred-probe list, in the order devices deferred.
    var deferred: [(id: ObjectID, reason: String)] = []
    var links: [DeviceLink] = []
}

/// Per-bus match indices: key → drivers (in registration order) and key → devices.
final class BusIndex {
    let bus: Bus
    var driversByKey: [String: [DriverRecord]] = [:]
    var driversByName: [String: DriverRecord] = [:]
    var devicesByKey: [String: Set<ObjectID>] = [:]
    /// Devices whose `driver_override` names a driver.
    var devicesByOverride: [String: Set<ObjectID>] = [:]

    init(bus: Bus) { self.bus = bus }

    static func keys(of device: Device) -> [String] { device.matchIDs.map { "id:" + $0 } + ["name:" + device.matchName] }

    func index(_ device: Device, override: String?) {
        for key in Self.keys(of: device) { devicesByKey[key, default: []].insert(device.id) }
        if let override { devicesByOverride[override, default: []].insert(device.id) }
    }

    func unindex(_ device: Device, override: String?) {
        for key in Self.keys(of: device) { devicesByKey[key]?.remove(device.id) }
        if let override { devicesByOverride[override]?.remove(device.id) }
    }

    /// Drivers that match `device`, in registration order (driver_override wins outright).
    func candidates(for device: Device, override: String?) -> [DriverRecord] {
        if let override {
            return driversByName[override].map { [$0] } ?? []
        }
        var seen = Set<ObjectIdentifier>()
        var result: [DriverRecord] = []
        for key in Self.keys(of: device) {
            for record in driversByKey[key] ?? [] where seen.insert(ObjectIdentifier(record)).inserted {
                result.append(record)
            }
        }
        result.sort { $0.sequence < $1.sequence }
        return result.filter { bus.match?(device, $0.driver) ?? true }
    }

    /// Device ids that `record` could bind, in creation order.
    func candidateDevices(for record: DriverRecord) -> [ObjectID] {
        var ids = Set<ObjectID>()
        for key in record.matchKeys { ids.formUnion(devicesByKey[key] ?? []) }
        ids.formUnion(devicesByOverride[record.driver.name] ?? [])
        return ids.sorted()
    }
}

/// Re-entrancy control for deferred-probe retries.
struct DeferredWork {
    var running = false
    var generation: UInt64 = 0
}

/// The device being probed on this thread, for the wrong-device devres check (class P12 of Docs/bug-classes.md).
/// A C thread-local (probe runs synchronously on one thread), read on every devres add.
enum ProbeContext {
    static var current: ObjectID? {
        let raw = dm_probe_context()
        return raw == 0 ? nil : ObjectID(raw: raw)
    }

    static func with<R>(_ device: ObjectID, _ body: () -> R) -> R {
        let previous = dm_probe_context()
        dm_set_probe_context(device.raw)
        defer { dm_set_probe_context(previous) }
        return body()
    }
}

extension Kernel {
    /// Runs `devres_release_all` on a device outside any binding. For benchmarks and tools
    /// that measure the release path alone; returns the number of resources released.
    @discardableResult
    package func benchmarkReleaseAll(_ device: Device) -> Int {
        device.devres.releaseAll(site: .model)
    }
}
