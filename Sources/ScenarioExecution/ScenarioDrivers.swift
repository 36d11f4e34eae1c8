import ScenarioModel
import CharDev
import DriverCore
import Instrumentation
import SimHardware
import Subsystems

/// The drivers a scenario board is made of. Each is an ordinary user of the driver core.

/// gpio-sim with a configurable bank: `ngpios` and `gpio-line-names` come from the device's
/// properties (as gpio-sim's configfs does). Line values live in devres memory; the chip is
/// registered with gpiolib (`devm_gpiochip_add_data`) and its ``GpioDevice`` is the driver data.
final class ConfigurableGpioSimDriver: DeviceDriver {
    let name = BuiltinDrivers.gpioSim
    let idTable = ["gpio-sim"]
    let gpiolib: Gpiolib
    init(gpiolib: Gpiolib) { self.gpiolib = gpiolib }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let count = Int((try? device.device.property("ngpios")) ?? nil ?? "") ?? 8
        var names = ((try? device.device.property("gpio-line-names")) ?? nil)?
            .split(separator: ",", omittingEmptySubsequences: false).map(String.init) ?? []
        if names == [""] { names = [] }
        names += Array(repeating: "", count: max(0, count - names.count))
        let lineNames = names
        let gdev = try ProbeError.mapping { () throws -> GpioDevice in
            let values = try device.devres.alloc([Bool](repeating: false, count: count), name: "devm_kzalloc(chip)")
            try device.devres.addAction(ActionKey("free_irq")) {}
            return try gpiolib.addChip(try ScenarioGpioChip(label: device.device.name, lineNames: lineNames, values: values,
                                                            on: device),
                                       provider: device)
        }
        // Hogs: in-kernel consumers of their lines; put when the driver unbinds (before the
        // chip goes: devres is newest-first).
        let hogs = ((try? device.device.property("gpio-hogs")) ?? nil)?.split(separator: ",").compactMap { item -> (Int, String)? in
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let offset = Int(parts[0]) else { return nil }
            return (offset, String(parts[1]))
        } ?? []
        for (offset, consumer) in hogs {
            let descriptor: GpioDescriptor
            do {
                descriptor = try gpiolib.getDescriptor(chip: gdev.name, offset: offset, consumer: consumer)
            } catch {
                throw .failed(error.errno, "gpio-hog \(consumer): \(error.message)")
            }
            try ProbeError.mapping {
                try device.devres.addActionOrReset(ActionKey("gpiod_put(\(consumer))")) { try? descriptor.put() }
            }
        }
        try ProbeError.mapping { try device.setDriverData(gdev) }
    }
}

/// Chip ops over devres memory: an access after unbind would be a detected use after free.
final class ScenarioGpioChip: GpioChipOps {
    let label: String
    let lineNames: [String]
    let values: ModelMemory<[Bool]>
    let registers: DevresRevocable<ModelMemory<[Bool]>>
    let irqLock: ModelLock

    /// The interrupt handler's view of the registers is revoked at unbind (Rust's
    /// Devres<IoMem>): the handler runs outside the chip's fence.
    init(label: String, lineNames: [String], values: ModelMemory<[Bool]>, on device: borrowing BoundDevice) throws(DriverCoreError) {
        self.label = label
        self.lineNames = lineNames
        self.values = values
        registers = try DevresRevocable(values, name: "\(label) registers", on: device)
        irqLock = ModelLock(class: "gpio-sim.irq", name: "\(label).irq", events: device.device.kernel.events)
    }

    /// Reads the line's level under the chip lock, as a real handler reads its status
    /// register; nothing once the registers are revoked (the device is unbinding).
    func interrupt(_ offset: Int, rising: Bool) -> Bool {
        registers.withAccess { regs in
            guard let regs else { return false }
            irqLock.lock()
            defer { irqLock.unlock() }
            return (try? regs.get()).map { offset < $0.count } ?? false
        }
    }

    func getValue(_ offset: Int) throws(FileError) -> Bool {
        do { return try values.get()[offset] } catch { throw FileError(.EIO, error.description) }
    }

    func setValue(_ offset: Int, _ value: Bool) throws(FileError) {
        do { try values.write { $0[offset] = value } } catch { throw FileError(.EIO, error.description) }
    }

    func setDirection(_ offset: Int, output: Bool) throws(FileError) {}
}

/// A platform driver described by a ``DriverSpec``: defers until its supplies are provided,
/// registers its devres actions in order, publishes its supplies, then fails if told to.
final class ScenarioPlatformDriver: DeviceDriver {
    let spec: DriverSpec
    let supplies: Locked<[String: String]>
    var name: String { spec.name }
    var idTable: [String] { spec.compatible }

    init(spec: DriverSpec, supplies: Locked<[String: String]>) {
        self.spec = spec
        self.supplies = supplies
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let available = supplies.withLock { $0 }
        if let missing = spec.needs.first(where: { available[$0] == nil }) {
            throw .deferred("supply \(missing) not found")
        }
        let supplies = self.supplies
        let owner = device.device.name
        try ProbeError.mapping {
            for action in spec.devres { try device.devres.addAction(ActionKey(action)) {} }
            for supply in spec.provides {
                supplies.withLock { $0[supply] = owner }
                try device.devres.addActionOrReset(ActionKey("unregister supply \(supply)")) {
                    supplies.withLock { if $0[supply] == owner { $0[supply] = nil } }
                }
            }
        }
        // After its resources: a failing probe shows devres unwinding them, newest first.
        if let e = spec.failProbe, let errno = Errno(name: e) { throw .failed(errno, "probe fails by design") }
    }
}

/// The generic driver of a USB-like device: creates one child device per interface (the USB
/// core owns their registration references, dropped at disconnect) and, for each `gpio`
/// interface, a GPIO chip provided by the device.
final class ScenarioUSBDriver: DeviceDriver {
    let name = BuiltinDrivers.usb
    let idTable = ["usb-device"]
    let board: SimBoard
    init(board: SimBoard) { self.board = board }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let parent = device.device
        let classes = ((try? parent.property("interfaces")) ?? nil)?.split(separator: ",").map(String.init) ?? []
        let port = String(parent.name.dropFirst(3))
        let kernel = board.kernel
        var created: [Device] = []
        do throws(DriverCoreError) {
            for (n, cls) in classes.enumerated() {
                let iface = Device(kernel: kernel, name: "\(port):1.\(n)", bus: board.usb.bus, parent: parent,
                                   matchIDs: ["usb-if:" + cls]) { _ in }
                do throws(DriverCoreError) {
                    try kernel.register(iface)
                } catch {
                    // A failed device_add leaves our initial reference to drop (found by
                    // `explore --faults`: the interface leaked).
                    try? iface.put()
                    throw error
                }
                created.append(iface)
            }
        } catch {
            for iface in created.reversed() { try? kernel.unregister(iface) }
            throw .failed(error.errno, error.message)
        }
        let interfaces = created
        try ProbeError.mapping {
            try device.devres.addActionOrReset(ActionKey("usb_disable_device")) {
                for iface in interfaces.reversed() {
                    if iface.state.isPresent { try? kernel.unregister(iface) } else { try? iface.put() }
                }
            }
            for (n, cls) in classes.enumerated() where cls == "gpio" {
                let values = try device.devres.alloc([Bool](repeating: false, count: 8), name: "devm_kzalloc(usb gpio)")
                let names = (0..<8).map { "\(port):1.\(n)-\($0)" }
                try board.gpio.addChip(try ScenarioGpioChip(label: "\(port):1.\(n)", lineNames: names, values: values,
                                                            on: device),
                                       provider: device)
            }
        }
    }
}

/// The built-in `i2c-eeprom` driver of scenario boards: an I2C controller whose adapter has an
/// EEPROM at 0x50 (state in devres memory, as any driver's).
final class I2CEepromDriver: DeviceDriver {
    let name = BuiltinDrivers.i2cEeprom
    let idTable = ["i2c-eeprom"]
    let i2c: I2CCore
    init(i2c: I2CCore) { self.i2c = i2c }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        try ProbeError.mapping {
            let eeprom = try device.devres.alloc(SimEepromAdapter.Eeprom(), name: "devm_kzalloc(eeprom)")
            try i2c.addAdapter(SimEepromAdapter(memory: eeprom), provider: device)
        }
    }
}
