import CharDev
import DriverCore
import Instrumentation
import Subsystems

// The built-in drivers of scenario boards (BuiltinDrivers), each configured by its device's
// properties the way configfs or firmware would configure the real one.

/// gpio-sim, the one simulated GPIO controller driver (the demo board's and every scenario
/// board's): `ngpios`, `gpio-line-names` and `gpio-hogs` come from the device's properties (as
/// gpio-sim's configfs gives them). Line values live in devres memory, then a clock and an IRQ
/// action, then the chip registered with gpiolib (`devm_gpiochip_add_data`) whose `GpioDevice`
/// is the driver data — each step a fault-injection point.
public final class GpioSimDriver: DeviceDriver {
    public let name = BuiltinDrivers.gpioSim
    public let idTable = ["gpio-sim"]
    let gpiolib: Gpiolib
    public init(gpiolib: Gpiolib) { self.gpiolib = gpiolib }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let count = Int((try? device.device.property("ngpios")) ?? nil ?? "") ?? 8
        var names = ((try? device.device.property("gpio-line-names")) ?? nil)?
            .split(separator: ",", omittingEmptySubsequences: false).map(String.init) ?? []
        if names == [""] { names = [] }
        names += Array(repeating: "", count: max(0, count - names.count))
        let lineNames = names
        let gdev = try ProbeError.mapping { () throws -> GpioDevice in
            try device.step("map registers")
            let values = try device.devres.alloc([Bool](repeating: false, count: count), name: "devm_kzalloc(chip)")
            try device.step("enable clock")
            try device.devres.addAction(ActionKey("clk_disable_unprepare")) {}
            try device.step("request irq")
            try device.devres.addAction(ActionKey("free_irq")) {}
            try device.step("gpiochip_add")
            return try gpiolib.addChip(try SimGpioChip(label: device.device.name, lineNames: lineNames, values: values,
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

/// The generic driver of a USB-like device: creates one child device per interface (the USB
/// core owns their registration references, dropped at disconnect) and, for each `gpio`
/// interface, a GPIO chip provided by the device.
public final class ScenarioUSBDriver: DeviceDriver {
    public let name = BuiltinDrivers.usb
    public let idTable = ["usb-device"]
    let board: SimBoard
    public init(board: SimBoard) { self.board = board }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
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
                try board.gpio.addChip(try SimGpioChip(label: "\(port):1.\(n)", lineNames: names, values: values,
                                                            on: device),
                                       provider: device)
            }
        }
    }
}

/// The built-in `i2c-eeprom` driver of scenario boards: an I2C controller whose adapter has an
/// EEPROM at 0x50 (state in devres memory, as any driver's).
public final class I2CEepromDriver: DeviceDriver {
    public let name = BuiltinDrivers.i2cEeprom
    public let idTable = ["i2c-eeprom"]
    let i2c: I2CCore
    public init(i2c: I2CCore) { self.i2c = i2c }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        try ProbeError.mapping {
            let eeprom = try device.devres.alloc(SimEepromAdapter.Eeprom(), name: "devm_kzalloc(eeprom)")
            try i2c.addAdapter(SimEepromAdapter(memory: eeprom), provider: device)
        }
    }
}
