import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// A platform bus with one `serial-loopback` UART (`/dev/ttyS0`) and a serdev bus whose
/// `serdev-echo` client a second UART (`uart.1`, with `serdev-client`) gets instead of a node.
/// The UART's register cache is devres memory: a driver call after unbind would raise a
/// `memory.useAfterFree` event, which every test checks.
final class TTYFixture: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder: EventRecorder
    let dev: DevNamespace
    let serdev: SerdevBus
    let tty: TTYDriver
    let uart: Device

    init(serdevClient: Bool = false, keeping: Set<EventKind>? = nil) throws {
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        serdev = try SerdevBus(namespace: dev)
        tty = TTYDriver(prefix: "ttyS", namespace: dev, serdev: serdev)
        try kernel.registerDriver(SerialLoopbackDriver(tty: tty), on: bus)
        try kernel.registerDriver(SerdevEchoDriver(serdev: serdev), on: serdev.bus)
        uart = Device(kernel: kernel, name: "uart.0", bus: bus, matchIDs: ["serial-loopback"],
                      properties: serdevClient ? ["serdev-client": "serdev-echo"] : [:]) { _ in }
        try kernel.register(uart)
    }

    var line: TTYLine { tty.lines[0] }
    var useAfterFree: [LifetimeEvent] { recorder.events(.memoryUseAfterFree) }
}
