import Instrumentation
import Synchronization

/// The release callback every device must have: it runs exactly once, when the last
/// reference is dropped, and must free the *outermost* container of the device (the
/// subsystem or driver structure that embeds it), never just the device.
public typealias DeviceRelease = @Sendable (Device) -> Void

/// A device: an object with two lifetimes (Docs/bug-classes.md; drivers/base/core.c).
///
/// *Object lifetime*: an explicit logical reference count, separate from Swift's ARC.
/// `init` is `device_initialize()` (one reference); ``get(fileID:line:)``/``put(fileID:line:)`` are
/// `get_device()`/`put_device()`; the mandatory release callback runs exactly once at the
/// final put and frees the outermost container. After that the device is *released*: every
/// use through the model API (get, put, devres, bind, properties) throws
/// ``DriverCoreError/useAfterRelease(device:operation:site:)`` and raises a `ref.misuse`
/// event — deterministically, never a crash, never a silent success. ARC keeps the Swift
/// object alive as long as someone points at it, so a report can always name it.
///
/// *Bound lifetime*: from a successful probe to the end of unbind. Its resources are the
/// device's ``devres`` (released newest-first at unbind) and its driver data.
///
/// Object-scope resources (the drmm idea) are in ``objectResources``: released at the final
/// put, never at unbind.
///
/// Thread safety: every method may be called from any thread. Cost: get/put are one atomic
/// compare-and-swap plus an event check.
public final class Device: Sendable, CustomStringConvertible {
    public let id = ObjectID.next()
    public let name: String
    public let kernel: Kernel
    public let bus: Bus?
    /// The parent; a child holds a reference on it from `add` until the child's own release
    /// (the kobject rule: a parent is never released before its children).
    public let parent: Device?
    /// The name matched against a driver's name (platform style); defaults to `name`.
    public let matchName: String
    /// Identifiers matched against drivers' id tables (compatible strings, modaliases).
    public let matchIDs: [String]
    /// The device lock (`device_lock()`): held across probe and remove.
    public let lock: ModelLock
    /// Bound-lifetime managed resources (devres).
    public let devres: Devres
    /// Object-lifetime managed resources (the drmm idea).
    public let objectResources: ObjectResources

    /// The release callback until it runs, then nil: it usually captures the container that
    /// holds this device (container_of, in Swift a closure over the owner), so keeping it
    /// would leave the two in a reference cycle after the release. (A torture run leaked every
    /// watchdog core and its nodes that way, ~250 KB/s.)
    private let releaseCallback: Locked<DeviceRelease?>
    /// False only for a device built without a release callback (or once it ran).
    var hasReleaseCallback: Bool { releaseCallback.withLock { $0 != nil } }
    /// How the device is described (fwnode / software node / properties).
    public let firmware: FirmwareDescription
    private let refcount = Atomic<Int>(1)
    let core: Locked<DeviceCore>

    /// `device_initialize()`: the device starts with one reference, owned by the caller.
    /// `release` may be nil only to model broken legacy code: ``Kernel/add(_:fileID:line:)`` refuses it.
    public init(kernel: Kernel, name: String, bus: Bus? = nil, parent: Device? = nil,
                matchName: String? = nil, matchIDs: [String] = [], properties: [String: String] = [:],
                firmware: FirmwareDescription = .none,
                fileID: StaticString = #fileID, line: UInt = #line, release: DeviceRelease?) {
        let site = CallSite(fileID: fileID, line: line)
        self.kernel = kernel
        self.name = name
        self.bus = bus
        self.parent = parent
        self.matchName = matchName ?? name
        self.matchIDs = matchIDs
        self.releaseCallback = Locked(release)
        self.firmware = firmware
        self.lock = ModelLock(class: "device", name: name, events: kernel.events)
        self.core = Locked(DeviceCore(properties: properties))
        self.devres = Devres(kernel: kernel, deviceID: id, deviceName: name)
        self.objectResources = ObjectResources(kernel: kernel, ownerID: id, ownerName: name, ownerCore: core)
        kernel.events.emit(.deviceInitialize, object: id, name: name, detail: "ref=1", site: site)
    }

    public var description: String { name }

    // MARK: State

    public var state: DeviceState { core.withLock { $0.state } }

    /// The logical reference count (0 once released).
    public var referenceCount: Int { refcount.load(ordering: .relaxed) }

    /// The name of the bound driver, if any.
    public var driverName: String? { core.withLock { $0.driver?.driver.name } }

    /// `driver_override`: when set, only the driver of that name may bind.
    public var driverOverride: String? { core.withLock { $0.driverOverride } }

    /// The driver data set by the bound driver (`dev_get_drvdata`), cleared at unbind.
    public func driverData<T>(as type: T.Type, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> T? {
        let site = CallSite(fileID: fileID, line: line)
        try checkNotReleased("read driver data", site: site)
        return core.withLock { $0.driverData as? T }
    }

    /// Reads a device property (firmware-node style). Fails after release.
    public func property(_ key: String, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> String? {
        let site = CallSite(fileID: fileID, line: line)
        try checkNotReleased("read property '\(key)'", site: site)
        if let value = core.withLock({ $0.managedSoftwareNode?.properties[key] ?? $0.properties[key] }) { return value }
        return firmware.fwnode?.properties[key] ?? firmware.swnode?.properties[key]
    }

    /// Children currently added under this device, in the order they were added.
    public var children: [Device] {
        let ids = core.withLock { $0.children }
        return ids.compactMap { kernel.device(id: $0) }
    }

    // MARK: References

    /// `get_device()`: takes a reference. Fails (without changing anything) once released.
    @discardableResult
    public func get(fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> Device {
        let site = CallSite(fileID: fileID, line: line)
        Scheduling.point(.refGet(id, name: name), site: site)
        var current = refcount.load(ordering: .relaxed)
        while true {
            if current <= 0 {
                throw misuse("get", site: site)
            }
            let (exchanged, original) = refcount.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { break }
            current = original
        }
        kernel.events.emit(.get, object: id, name: name, detail: "ref=\(current + 1)", site: site)
        return self
    }

    /// `put_device()`: drops a reference; the final put runs object-resource release, then the
    /// release callback, exactly once, on the calling thread. A put with no reference left
    /// (double put, put after release) is reported and changes nothing.
    public func put(fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        Scheduling.point(.refPut(id, name: name), site: site)
        var current = refcount.load(ordering: .relaxed)
        while true {
            if current <= 0 {
                throw misuse("put", site: site)
            }
            // acquiringAndReleasing: the final put must see every write made under the other
            // references before release runs (the kref rule; TSan sees this, not a lone fence).
            let (exchanged, original) = refcount.compareExchange(
                expected: current, desired: current - 1, ordering: .acquiringAndReleasing)
            if exchanged { break }
            current = original
        }
        kernel.events.emit(.put, object: id, name: name, detail: "ref=\(current - 1)", site: site)
        if current == 1 { Scheduling.release(id, name: name) { [self] in performRelease(site: site) } }
    }

    /// Throws if the device has been released; used by every model API that touches it.
    func checkNotReleased(_ operation: String, site: CallSite) throws(DriverCoreError) {
        if core.withLock({ $0.state }) == .released || refcount.load(ordering: .relaxed) <= 0 {
            throw misuse(operation, site: site)
        }
    }

    private func misuse(_ operation: String, site: CallSite) -> DriverCoreError {
        let error = DriverCoreError.useAfterRelease(device: name, operation: operation, site: site)
        // The detail is the refused operation ("get", "put", "bind", …): observers classify
        // by it, never by parsing the error's text.
        kernel.events.emit(.refMisuse, object: id, name: name, detail: operation, site: site)
        return error
    }

    /// `device_release()`: devres left over from outside a binding, then object resources
    /// newest-first, then the release callback (which frees the container), then the parent
    /// reference — so a parent outlives its children.
    private func performRelease(site: CallSite) {
        // Released first: from here on every model API refuses the device, even from inside
        // the release actions themselves.
        core.withLock { $0.state = .released; $0.driverData = nil }
        devres.ownerReleased.store(true, ordering: .releasing)
        devres.releaseAll(site: site)
        objectResources.releaseAll(site: site)
        kernel.detachFirmware(self)
        kernel.events.emit(.deviceRelease, object: id, name: name, site: site)
        let release = releaseCallback.withLock { callback in
            defer { callback = nil }
            return callback
        }
        release?(self)
        if let parent, core.withLock({ $0.holdsParentReference }) {
            try? parent.put(fileID: site.fileID, line: site.line)
        }
    }
}

/// The mutable part of a device, guarded by its internal lock.
struct DeviceCore {
    var state: DeviceState = .initialized
    var driver: DriverRecord?
    var driverData: (any Sendable)?
    /// Increments at every bind and unbind; a ``BoundDevice`` is valid only in its epoch.
    var epoch: UInt64 = 0
    var driverOverride: String?
    var children: [ObjectID] = []
    var properties: [String: String]
    var holdsParentReference = false
    /// Set first thing in `device_del` (the kernel's `kill_device`): no probe may start after
    /// it, so a bind racing an unplug cannot leave a driver bound to a deleted device.
    var dead = false
    /// A software node the core registered for this device, unregistered at release.
    var managedSoftwareNode: FirmwareNode?

    init(properties: [String: String]) { self.properties = properties }
}
