import CharDev
import DriverCore
import Instrumentation

/// The DRM core (drivers/gpu/drm/drm_drv.c, drm_managed.c): allocates `drm_device`s for bound
/// drivers, registers their primary minor as `/dev/dri/cardN` and unplugs them at unbind.
///
/// Guarantees: the node is published last (after the device and its minor are wired); at the
/// provider's unbind the device is unplugged — `drm_dev_enter` fails from then on, file calls
/// on old files are ENODEV (drm_ioctl's `drm_dev_is_unplugged` check, here a fence around the
/// whole call), and the unplug waits only for calls already inside the driver, never for user
/// space to close; the `drm_device` and its drmm resources are released by the final
/// `drm_dev_put`, after the last close.
///
/// Minors are numbered lowest-free (drm_minor_alloc's xarray), so a rebind usually gets
/// `card0` back — as a new device.
///
/// Thread-safe. Cost: one registry lock per registration and per unplug.
public final class DrmCore: Sendable {
    public let namespace: DevNamespace
    /// How `drm_dev_enter` is fenced (``DrmUnplugDesign``): ours by default.
    public let design: DrmUnplugDesign
    /// `drm_unplug_srcu`: used by ``DrmUnplugDesign/sharedSRCU`` only.
    public let srcu: DrmUnplugSRCU
    /// The minors (`drm_minors_xa`).
    let registry: SubsystemRegistry<DrmDevice>

    public init(namespace: DevNamespace, design: DrmUnplugDesign = .perDevice) {
        self.namespace = namespace
        self.design = design
        srcu = DrmUnplugSRCU(events: namespace.kernel.events)
        registry = SubsystemRegistry(kind: "drm minor", numbers: 0..<64, events: namespace.kernel.events)
    }

    /// Registered devices, by minor.
    public var devices: [DrmDevice] { registry.objects }

    /// `devm_drm_dev_alloc`: a `drm_device` for the bound `provider`, with one reference
    /// that a devres action (`devm_drm_dev_init_release`) drops at unbind. The driver's own
    /// state that must live as long as the device goes to ``DrmDevice/drmm``.
    ///
    /// - Throws: `DriverCoreError` when the devres action cannot be added (the reference is
    ///   dropped then, as `devm_add_action_or_reset` does).
    public func devmDrmDevAlloc(_ driverName: String, provider: borrowing BoundDevice,
                                fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> DrmDevice {
        let drm = DrmDevice(driverName: driverName, parent: provider.device, core: self)
        try provider.devres.addActionOrReset(ActionKey("devm_drm_dev_init_release", data: drm), fileID: fileID, line: line) {
            try? drm.put(fileID: fileID, line: line)
        }
        return drm
    }

    /// `drm_dev_register`: publishes `/dev/dri/cardN` with the driver's `operations`, and
    /// arranges `drm_dev_unplug` at the provider's unbind (a devres action, registered after
    /// the allocation's, so it runs before the reference is dropped).
    ///
    /// - Throws: `DriverCoreError.registrationFailed` (EBUSY, ENOSPC, ENOMEM); nothing stays
    ///   registered and the device keeps only the references it had.
    public func register(_ drm: DrmDevice, operations: any DrmDriverOps, provider: borrowing BoundDevice,
                         fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let parent = provider.device
        _ = try registry.register(provider: provider, action: "drm_dev_unplug", fileID: fileID, line: line,
                                  make: { [namespace] (minor) throws(FileError) in
            // The minor's node holds a reference on the drm_device until its release (after
            // the last close): drm_open's drm_dev_get, drm_release's drm_dev_put, pooled.
            do { try drm.get(fileID: fileID, line: line) } catch { throw FileError.noDevice(drm.driverName) }
            let cdev: CharDevice
            do throws(FileError) {
                cdev = try CharDevice.prepare(name: "dri/card\(minor)", parent: parent, namespace: namespace,
                                              operations: DrmFileOps(drm: drm, driver: operations),
                                              fileID: fileID, line: line) { try? drm.put(fileID: fileID, line: line) }
            } catch {
                try? drm.put(fileID: fileID, line: line)
                throw error
            }
            drm.attach(minor: minor, cdev: cdev)
            return (drm, [cdev])
        }, remove: { [self] drm in
            unplug(drm, fileID: fileID, line: line)
        })
    }

    /// `drm_dev_unplug`: marks the device unplugged, waits for `drm_dev_enter` sections in
    /// flight (this device's with ``DrmUnplugDesign/perDevice``, every device's with
    /// ``DrmUnplugDesign/sharedSRCU``), then unregisters the minor (`drm_dev_unregister`).
    /// Idempotent; never waits for user space.
    public func unplug(_ drm: DrmDevice, fileID: StaticString = #fileID, line: UInt = #line) {
        let site = CallSite(fileID: fileID, line: line)
        guard drm.markUnplugged() else { return }
        namespace.kernel.events.emit(.drmUnplug, object: drm.object.id, name: drm.description,
                                     detail: design.rawValue, site: site)
        if design == .sharedSRCU { srcu.synchronize(site: site) }
        registry.remove(drm, fileID: fileID, line: line) {
            // perDevice: revoking the node's fence is the wait for this device's sections.
            drm.cdev?.unregister(fileID: fileID, line: line)
        }
    }
}

extension EventKind {
    /// `drm_dev_unplug` began (detail: the design, `per-device` or `shared-srcu`).
    public static let drmUnplug = EventKind("drm.unplug")
}
