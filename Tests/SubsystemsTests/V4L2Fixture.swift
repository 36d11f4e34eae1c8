import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// A platform bus with one simulated camera (`cam.0`, bound by `sim-capture`): `/dev/video0`
/// and `/dev/media0`. The sensor registers are devres memory, so any driver call after the
/// unbind raises a `memory.useAfterFree` event, which every test checks.
final class V4L2Fixture: Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder: EventRecorder
    let dev: DevNamespace
    let core: V4L2Core
    let camera: Device

    init(design: V4L2CallDesign = .fence, keeping: Set<EventKind>? = nil, driver: (V4L2Core) -> any DeviceDriver = SimCaptureDriver.init) throws {
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        core = V4L2Core(namespace: dev, design: design)
        let d = driver(core)
        try kernel.registerDriver(d, on: bus)
        camera = Device(kernel: kernel, name: "cam.0", bus: bus, matchIDs: d.idTable) { _ in }
        try kernel.register(camera)
    }

    var video: VideoDevice? { core.videoDevices.first }
    var useAfterFree: [LifetimeEvent] { recorder.events(.memoryUseAfterFree) }
}
