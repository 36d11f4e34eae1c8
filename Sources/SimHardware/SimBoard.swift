import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// The built-in simulated board: a platform bus and a hot-pluggable USB-like bus, the buses'
/// core code, and a few small drivers. A user of the driver core like any real driver is —
/// no back doors.
///
/// Layout after ``populate()``:
/// ```
/// platform: regulator-fixed.0, gpio-sim.0 (/dev/gpiochip0), i2c-sim.0 (needs regulator vdd;
///           /dev/i2c-0 with an EEPROM at 0x50), spi-sim.0 (/dev/spidev0.0, 0.1, loopback)
/// usb:      usb1-1 (a hub port) → interfaces 1-1:1.0 (serial), 1-1:1.1 (gpio)
/// ```
public final class SimBoard: Sendable {
    public let kernel: Kernel
    public let platform: Bus
    public let usb: USBBus
    /// `/dev`.
    public let dev: DevNamespace
    /// `/sys/kernel/debug`: the board's debugfs, for drivers' debug files.
    public let debugfs: Debugfs
    public let gpio: Gpiolib
    public let i2c: I2CCore
    public let spi: SPICore
    /// The demo board's gpio-sim lines.
    public static let gpioLineNames = ["led0", "led1", "button", "irq-in", "reset", "sda", "scl", "spare"]
    /// Named providers (regulators) that consumers look up in probe, like regulator_get.
    public let providers = Locked<[String: String]>([:])

    public init(kernel: Kernel = Kernel()) throws(DriverCoreError) {
        self.kernel = kernel
        platform = Bus(name: "platform")
        try kernel.registerBus(platform)
        dev = DevNamespace(kernel: kernel)
        debugfs = Debugfs(kernel: kernel)
        gpio = Gpiolib(namespace: dev)
        i2c = I2CCore(namespace: dev)
        spi = SPICore(namespace: dev)
        usb = try USBBus(kernel: kernel)
    }

    /// A platform device whose release frees its container (here: nothing but the device).
    public func platformDevice(_ name: String, compatible: [String] = [], parent: Device? = nil,
                               properties: [String: String] = [:]) -> Device {
        Device(kernel: kernel, name: name, bus: platform, parent: parent,
               matchName: name.split(separator: ".").first.map(String.init), matchIDs: compatible,
               properties: properties) { _ in }
    }

    /// Registers the board's drivers and devices. The I2C controller is added before the
    /// regulator it needs, so its first probe defers and the regulator's bind resolves it.
    public func populate() throws(DriverCoreError) {
        try kernel.registerDriver(RegulatorFixedDriver(board: self), on: platform)
        try kernel.registerDriver(GpioSimDriver(gpiolib: gpio), on: platform)
        try kernel.registerDriver(I2cSimDriver(board: self), on: platform)
        try kernel.registerDriver(SpiSimDriver(spi: spi), on: platform)
        try kernel.registerDriver(USBGenericDriver(usb: usb), on: usb.bus)
        try kernel.registerDriver(USBInterfaceDriver(name: "usb-serial", interfaceClass: "serial"), on: usb.bus)
        try kernel.registerDriver(USBInterfaceDriver(name: "usb-gpio", interfaceClass: "gpio"), on: usb.bus)
        try kernel.registerOrPut(platformDevice("gpio-sim.0", compatible: ["gpio-sim"],
                                           properties: ["ngpios": "\(Self.gpioLineNames.count)",
                                                        "gpio-line-names": Self.gpioLineNames.joined(separator: ",")]))
        try kernel.registerOrPut(platformDevice("i2c-sim.0", compatible: ["i2c-sim"]))
        try kernel.registerOrPut(platformDevice("regulator-fixed.0", compatible: ["regulator-fixed"]))
        try kernel.registerOrPut(platformDevice("spi-sim.0", compatible: ["spi-sim"]))
        _ = try usb.plug(port: "1-1", interfaces: ["serial", "gpio"])
    }
}

/// A fixed regulator: publishes a named supply while bound.
final class RegulatorFixedDriver: DeviceDriver {
    let name = "regulator-fixed"
    let idTable = ["regulator-fixed"]
    let board: SimBoard
    init(board: SimBoard) { self.board = board }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        try device.step("enable supply")
        let providers = board.providers
        let owner = device.device.name
        providers.withLock { $0["vdd"] = owner }
        do {
            try device.devres.addActionOrReset(ActionKey("regulator_unregister")) { providers.withLock { $0["vdd"] = nil } }
        } catch {
            throw .failed(error.errno, error.message)
        }
    }
}

/// An I2C controller that needs the `vdd` supply: defers until a regulator provides it, then
/// registers adapter `i2c-N` with an EEPROM at 0x50.
final class I2cSimDriver: DeviceDriver {
    let name = "i2c-sim"
    let idTable = ["i2c-sim"]
    let board: SimBoard
    init(board: SimBoard) { self.board = board }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        guard board.providers.withLock({ $0["vdd"] }) != nil else { throw .deferred("supply vdd not found") }
        try ProbeError.mapping {
            try device.step("get supply")
            try device.devres.addAction(ActionKey("regulator_disable")) {}
            let eeprom = try device.devres.alloc(SimEepromAdapter.Eeprom(), name: "devm_kzalloc(eeprom)")
            try device.step("i2c_add_adapter")
            try board.i2c.addAdapter(SimEepromAdapter(memory: eeprom), provider: device)
        }
    }
}
