import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// `sim-hdmi`: an HDMI encoder registered as a DRM device (after drivers/gpu/drm/vc4/vc4_hdmi.c).
/// Its controller registers are devres memory (`devm_ioremap`): a register read after the
/// unbind is a use after free the sanitizer reports, so a clean run proves that the DRM core's
/// fence (file calls) and `drm_dev_enter` (the hot-plug interrupt) kept every access out —
/// the protection vc4 HDMI lacked before cd00ed5187bf. Its connector state, which user space
/// can still ask about through the core, is drmm memory: it lives as long as the `drm_device`.
///
/// The hot-plug-detect state comes from the device's `hdmi-connected` property ("1"/"0").
public final class SimHdmiDrmDriver: DeviceDriver {
    public static let driverName = "sim-hdmi"
    public let name = driverName
    public let idTable = ["sim-hdmi"]
    let drm: DrmCore
    /// The bound devices' ops, for the hot-plug interrupt (``hotplugInterrupt(on:)``).
    private let bound = Locked<[ObjectID: SimHdmiOps]>([:])

    public init(drm: DrmCore) { self.drm = drm }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let connected = ((try? device.device.property("hdmi-connected")) ?? nil) != "0"
        let id = device.device.id
        try ProbeError.mapping {
            let dev = try drm.devmDrmDevAlloc(Self.driverName, provider: device)
            let registers = try device.devres.alloc(HdmiRegisters(hotplugDetect: connected), name: "devm_ioremap(hdmi)")
            let status = try dev.drmm.alloc(false, name: "drmm_kzalloc(connector)")
            let ops = SimHdmiOps(drm: dev, registers: registers, status: status)
            try drm.register(dev, operations: ops, provider: device)
            bound.withLock { $0[id] = ops }
            try device.devres.addAction(ActionKey("sim_hdmi_forget", data: dev)) { [bound] in
                bound.withLock { $0[id] = nil }
            }
        }
    }

    /// The HPD interrupt's threaded handler (`vc4_hdmi_hpd_irq_thread`): re-detects the
    /// connector inside `drm_dev_enter`. Returns false when the device was unplugged (the
    /// section did not run) or `device` is not bound.
    @discardableResult
    public func hotplugInterrupt(on device: Device) -> Bool {
        guard let ops = bound.withLock({ $0[device.id] }) else { return false }
        return ((try? ops.drm.enter { () throws(FileError) in _ = try ops.detectConnector() }) ?? nil) != nil
    }
}

/// The HDMI controller's registers (what `devm_ioremap` maps).
struct HdmiRegisters: Sendable {
    var hotplugDetect: Bool
    var reads = 0
}

/// The driver's `drm_driver` and connector funcs.
final class SimHdmiOps: DrmDriverOps {
    let drm: DrmDevice
    let registers: ModelMemory<HdmiRegisters>
    let status: ModelMemory<Bool>

    init(drm: DrmDevice, registers: ModelMemory<HdmiRegisters>, status: ModelMemory<Bool>) {
        self.drm = drm
        self.registers = registers
        self.status = status
    }

    var driverDescription: String { "Simulated HDMI encoder" }

    func detectConnector() throws(FileError) -> Bool {
        do {
            let hpd = try registers.write { r -> Bool in
                r.reads += 1
                return r.hotplugDetect
            }
            try status.write { $0 = hpd }
            return hpd
        } catch {
            throw FileError(.EIO, "\(error)")
        }
    }
}
