import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// A platform bus with one `sdhci-sim` host (`/dev/mmcblk0`, a 4-block card). The card's data
/// is the driver's devres memory: a transfer after unbind would raise a `memory.useAfterFree`
/// event, which every test checks.
final class MMCFixture: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder: EventRecorder
    let dev: DevNamespace
    let mmc: MMCCore
    let controller: Device

    init(keeping: Set<EventKind>? = nil) throws {
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        mmc = MMCCore(namespace: dev)
        try kernel.registerDriver(SDHCISimDriver(mmc: mmc), on: bus)
        controller = Device(kernel: kernel, name: "sdhci.0", bus: bus, matchIDs: ["sdhci-sim"], properties: ["blocks": "4"]) { _ in }
        try kernel.register(controller)
    }

    var host: MMCHost { mmc.hosts[0] }
    var useAfterFree: [LifetimeEvent] { recorder.events(.memoryUseAfterFree) }
}
