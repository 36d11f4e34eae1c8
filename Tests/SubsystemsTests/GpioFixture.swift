import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// A platform bus with one GPIO controller whose line values live in devres memory: any
/// access after unbind would raise a `memory.useAfterFree` event, which every test checks.
final class GpioFixture: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder: EventRecorder
    let dev: DevNamespace
    let gpio: Gpiolib
    let controller: Device
    /// Calls that reached the chip ops, with the provider's binding state at the time.
    let chipCalls = Locked<Int>(0)

    final class Chip: GpioChipOps {
        let label = "test-chip"
        let lineNames = ["a", "b", "c", "d"]
        let values: ModelMemory<[Bool]>
        let calls: Locked<Int>
        init(values: ModelMemory<[Bool]>, calls: Locked<Int>) { self.values = values; self.calls = calls }
        func getValue(_ o: Int) throws(FileError) -> Bool {
            calls.withLock { $0 += 1 }
            do { return try values.get()[o] } catch { throw FileError(.EIO, "\(error)") }
        }
        func setValue(_ o: Int, _ v: Bool) throws(FileError) {
            calls.withLock { $0 += 1 }
            do { try values.write { $0[o] = v } } catch { throw FileError(.EIO, "\(error)") }
        }
        func setDirection(_ o: Int, output: Bool) throws(FileError) {}
    }

    init(keeping: Set<EventKind>? = nil) throws {
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        gpio = Gpiolib(namespace: dev)
        let gpio = self.gpio
        let calls = chipCalls
        try kernel.registerDriver(ClosureDriver(name: "test-gpio", idTable: ["test,gpio"]) { (d: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                let values = try d.devres.alloc([false, false, false, false], name: "devm_kzalloc(chip)")
                try gpio.addChip(Chip(values: values, calls: calls), provider: d)
            }
        }, on: bus)
        controller = Device(kernel: kernel, name: "gpio-ctrl.0", bus: bus, matchIDs: ["test,gpio"]) { _ in }
        try kernel.register(controller)
    }

    var gdev: GpioDevice { gpio.devices[0] }
    var useAfterFree: [LifetimeEvent] { recorder.events(.memoryUseAfterFree) }
}
