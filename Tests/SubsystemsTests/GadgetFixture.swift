import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// A platform bus with one `sim-udc` controller bound to a gadget `g1` with an f_hid function
/// (`/dev/hidg0`). The function's endpoint state is freed at its unbind, so a file operation
/// that reached it afterwards raises a `memory.useAfterFree` event.
final class GadgetFixture: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder: EventRecorder
    let dev: DevNamespace
    let gadget: CompositeGadget
    let hid: SimHidFunction
    let udc: Device

    init(keeping: Set<EventKind>? = nil, functions extra: [any GadgetFunction] = []) throws {
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        gadget = CompositeGadget(name: "g1", namespace: dev)
        hid = SimHidFunction(minor: 0, events: kernel.events)
        gadget.add(hid)
        for f in extra { gadget.add(f) }
        let g = gadget
        try kernel.registerDriver(SimUDCDriver { $0 == "g1" ? g : nil }, on: bus)
        udc = Device(kernel: kernel, name: "udc.0", bus: bus, matchIDs: ["sim-udc"], properties: ["gadget": "g1"]) { _ in }
        try kernel.register(udc)
    }

    var useAfterFree: [LifetimeEvent] { recorder.events(.memoryUseAfterFree) }
}
