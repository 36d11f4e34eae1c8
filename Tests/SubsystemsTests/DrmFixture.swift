import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// A platform bus with `count` simulated HDMI encoders (`hdmi.N`, bound by `sim-hdmi`), each a
/// DRM device `/dev/dri/cardN`. The encoders' registers are devres memory, so any driver call
/// after its unbind raises a `memory.useAfterFree` event, which every test checks.
final class DrmFixture: Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder: EventRecorder
    let dev: DevNamespace
    let core: DrmCore
    let driver: SimHdmiDrmDriver
    let encoders: [Device]

    init(count: Int = 1, design: DrmUnplugDesign = .perDevice, keeping: Set<EventKind>? = nil) throws {
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        core = DrmCore(namespace: dev, design: design)
        driver = SimHdmiDrmDriver(drm: core)
        try kernel.registerDriver(driver, on: bus)
        var encoders: [Device] = []
        for n in 0..<count {
            let d = Device(kernel: kernel, name: "hdmi.\(n)", bus: bus, matchIDs: ["sim-hdmi"]) { _ in }
            try kernel.register(d)
            encoders.append(d)
        }
        self.encoders = encoders
    }

    /// The DRM device of minor `n`, while registered.
    func drm(_ n: Int) -> DrmDevice? { core.devices.first { $0.minor == n } }
    var useAfterFree: [LifetimeEvent] { recorder.events(.memoryUseAfterFree) }
}
