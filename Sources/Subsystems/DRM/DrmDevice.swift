import CharDev
import DriverCore
import Instrumentation

/// How `drm_dev_enter` sections are fenced against `drm_dev_unplug`.
public enum DrmUnplugDesign: String, Sendable, Equatable, CaseIterable {
    /// Ours: each device's sections run inside its node's CharDev fence (a `Revocable` per
    /// device); an unplug waits for the sections and file calls of that device only.
    case perDevice = "per-device"
    /// The kernel's: one SRCU domain for all DRM devices (``DrmUnplugSRCU``); an unplug waits
    /// for the sections of every device.
    case sharedSRCU = "shared-srcu"
}

/// `struct drm_device`: the subsystem-owned, refcounted object behind `/dev/dri/cardN`
/// (drivers/gpu/drm/drm_drv.c, include/drm/drm_device.h).
///
/// Lifetime: one reference from allocation (``DrmCore/devmDrmDevAlloc(_:provider:fileID:line:)``
/// drops it by a devres action at unbind, `devm_drm_dev_init_release`), one held by the
/// minor's node from registration until its last open file is closed. The final
/// `drm_dev_put` releases the drmm resources newest first (drivers/gpu/drm/drm_managed.c,
/// ``drmm``), which is where the driver's container belongs — the struct that embeds the
/// `drm_device` in C (`devm_drm_dev_alloc`'s `type, member`).
///
/// After ``DrmCore/unplug(_:fileID:line:)``: `drm_dev_enter` fails (``enter(_:)`` returns nil),
/// file calls are ENODEV, and no driver code runs for the device again.
///
/// Thread-safe.
public final class DrmDevice: Sendable, CustomStringConvertible {
    /// `drm_driver.name`.
    public let driverName: String
    /// The refcount (`drm_device.ref`) and its drmm list: a model device never added to
    /// the tree, released at the final ``put(fileID:line:)``.
    public let object: Device
    let core: DrmCore
    private let state = Locked(State())

    struct State {
        var unplugged = false
        var registered = false
        var minor: Int?
        var cdev: CharDevice?
        var releases = 0
    }

    init(driverName: String, parent: Device, core: DrmCore) {
        self.driverName = driverName
        self.core = core
        let state = self.state
        object = Device(kernel: core.namespace.kernel, name: "drm:\(driverName)", parent: nil) { _ in
            state.withLock { $0.releases += 1 }
        }
    }

    public var description: String { state.withLock { $0.minor }.map { "card\($0)" } ?? "drm:\(driverName)" }

    /// `drmm_*`: resources released at the final put (drivers/gpu/drm/drm_managed.c).
    public var drmm: ObjectResources { object.objectResources }

    /// `drm_dev_get`. Throws once released.
    public func get(fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        try object.get(fileID: fileID, line: line)
    }

    /// `drm_dev_put`: the final one runs the drmm releases, newest first.
    public func put(fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        try object.put(fileID: fileID, line: line)
    }

    /// `drm_dev_is_unplugged`.
    public var isUnplugged: Bool { state.withLock { $0.unplugged } }
    /// Between `drm_dev_register` and the unplug.
    public var isRegistered: Bool { state.withLock { $0.registered } }
    /// True once the final put ran.
    public var isReleased: Bool { state.withLock { $0.releases > 0 } }
    /// How many times the release ran (1 at most, or the model is broken).
    public var releaseCount: Int { state.withLock { $0.releases } }
    /// The minor's number while registered (`cardN`).
    public var minor: Int? { state.withLock { $0.minor } }
    /// The node, once registered.
    public var cdev: CharDevice? { state.withLock { $0.cdev } }

    /// `drm_dev_enter` … `drm_dev_exit`: runs `body` unless the device is unplugged (then
    /// returns nil without running it). While `body` runs, an unplug of this device waits;
    /// with ``DrmUnplugDesign/sharedSRCU`` an unplug of *any* device waits.
    public func enter<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R? {
        switch core.design {
        case .perDevice:
            // Before registration nothing can unplug the device yet (the probe's own calls);
            // from registration on, the node's fence: the unplug revokes it and waits.
            guard let cdev else { return isUnplugged ? nil : try body() }
            return try cdev.withOperations { (ops: (any FileOperations)?) throws(E) -> R? in
                guard ops != nil, !isUnplugged else { return nil }
                return try body()
            }
        case .sharedSRCU:
            let epoch = core.srcu.readLock()
            defer { core.srcu.readUnlock(epoch) }
            guard !isUnplugged else { return nil }
            return try body()
        }
    }

    func attach(minor: Int, cdev: CharDevice) {
        state.withLock { $0.minor = minor; $0.cdev = cdev; $0.registered = true }
    }

    /// Marks the device unplugged; false when it already was.
    func markUnplugged() -> Bool {
        state.withLock { s in
            defer { s.unplugged = true; s.registered = false }
            return !s.unplugged
        }
    }
}
