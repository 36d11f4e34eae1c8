import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// A platform bus with one `sim-eth` controller (devm style unless `classic`). The driver's
/// MMIO window is devres memory and its priv is freed with the netdev, so any op that reached
/// the driver late, or any use of a freed priv, raises a `memory.useAfterFree` event.
final class NetFixture: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder: EventRecorder
    let dev: DevNamespace
    let net: NetCore
    let controller: Device

    init(classic: Bool = false, unregisterWarning: UInt64 = 10_000_000_000, keeping: Set<EventKind>? = nil) throws {
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        net = NetCore(namespace: dev, unregisterWarning: unregisterWarning)
        try kernel.registerDriver(SimEthernetDriver(net: net), on: bus)
        controller = Device(kernel: kernel, name: "eth-sim.0", bus: bus, matchIDs: ["sim-eth"],
                            properties: classic ? ["netdev-api": "classic"] : [:]) { _ in }
        try kernel.register(controller)
    }

    var eth0: NetDevice? { net.device(named: "eth0") }
    var useAfterFree: [LifetimeEvent] { recorder.events(.memoryUseAfterFree) }
    var warnings: [String] { recorder.events(.warning).map(\.detail) }
}
