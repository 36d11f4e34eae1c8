import CharDev
import DriverCore
import Instrumentation
import Sanitizer
import Subsystems

/// The GPIO design of `Subsystems` (as in SubsystemsTests' GpioFixture) with a sanitizer
/// attached from the start: one controller whose line values live in devres memory.
final class GpioSanitizerFixture: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let sanitizer: Sanitizer
    let dev: DevNamespace
    let gpio: Gpiolib
    let controller: Device

    final class Chip: GpioChipOps {
        let label = "test-chip"
        let lineNames = ["a", "b", "c", "d"]
        let values: ModelMemory<[Bool]>
        init(values: ModelMemory<[Bool]>) { self.values = values }
        func getValue(_ o: Int) throws(FileError) -> Bool {
            do { return try values.get()[o] } catch { throw FileError(.EIO, "\(error)") }
        }
        func setValue(_ o: Int, _ v: Bool) throws(FileError) {
            do { try values.write { $0[o] = v } } catch { throw FileError(.EIO, "\(error)") }
        }
        func setDirection(_ o: Int, output: Bool) throws(FileError) {}
    }

    init() throws {
        sanitizer = Sanitizer(attachingTo: kernel)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        gpio = Gpiolib(namespace: dev)
        let gpio = self.gpio
        try kernel.registerDriver(ClosureDriver(name: "test-gpio", idTable: ["test,gpio"]) { (d: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                let values = try d.devres.alloc([false, false, false, false], name: "devm_kzalloc(chip)")
                try gpio.addChip(Chip(values: values), provider: d)
            }
        }, on: bus)
        controller = Device(kernel: kernel, name: "gpio-ctrl.0", bus: bus, matchIDs: ["test,gpio"]) { _ in }
        try kernel.register(controller)
    }
}
