import SimHardware

/// The simulated hardware of a scenario, built on a fresh kernel before any actor runs.
///
/// Registration order: drivers, then gpio-sim chips (each a platform device probed by the
/// built-in configurable `gpio-sim` driver, so the n-th chip is `/dev/gpiochip<n>`), I2C
/// adapters, SPI controllers, watchdogs, misc devices, platform devices, USB-like devices,
/// then device links. Each kind is an array here and a ``DeviceKind`` case.
public struct BoardSpec: Sendable, Equatable {
    public var gpioChips: [GpioChipSpec]
    public var usbDevices: [USBDeviceSpec]
    public var drivers: [DriverSpec]
    public var devices: [PlatformDeviceSpec]
    public var links: [LinkSpec]
    /// I2C controllers (platform devices bound by the built-in `i2c-eeprom` driver), each with an
    /// EEPROM at 0x50; the n-th is `/dev/i2c-<n>`.
    public var i2cAdapters: [I2CAdapterSpec] = []
    /// SPI controllers (built-in `spi-loopback` driver); the n-th has `/dev/spidev<n>.<cs>`.
    public var spiControllers: [SPIControllerSpec] = []
    /// Watchdogs (built-in `softdog` driver); the n-th is `/dev/watchdog<n>`, the first also
    /// `/dev/watchdog`.
    public var watchdogs: [WatchdogSpec] = []
    /// Misc devices (built-in `misc-pipe` driver), each `/dev/<node>`.
    public var miscDevices: [MiscDeviceSpec] = []
    /// UARTs (built-in `serial-loopback` driver); the n-th is line `ttyS<n>`, with a node
    /// unless a serdev client claims it.
    public var serialPorts: [SerialPortSpec] = []
    /// SD host controllers (built-in `sdhci-sim` driver) with a card; the n-th is `/dev/mmcblk<n>`.
    public var mmcHosts: [MMCHostSpec] = []
    /// Ethernet controllers (built-in `sim-eth` driver); the n-th registers `eth<n>`.
    public var netDevices: [NetDeviceSpec] = []
    /// USB gadgets (built-in `sim-udc` driver on each gadget's UDC); f_hid nodes `hidg<n>`.
    public var usbGadgets: [USBGadgetSpec] = []
    /// DRM devices (built-in `sim-hdmi` driver); the n-th is `/dev/dri/card<n>`.
    public var drmDevices: [DrmDeviceSpec] = []
    /// Cameras (built-in `sim-capture` driver); the n-th is `/dev/video<n>` and `/dev/media<n>`.
    public var videoDevices: [VideoDeviceSpec] = []

    public init(gpioChips: [GpioChipSpec] = [], usbDevices: [USBDeviceSpec] = [], drivers: [DriverSpec] = [],
                devices: [PlatformDeviceSpec] = [], links: [LinkSpec] = [], i2cAdapters: [I2CAdapterSpec] = [],
                spiControllers: [SPIControllerSpec] = [], watchdogs: [WatchdogSpec] = [],
                miscDevices: [MiscDeviceSpec] = [], drmDevices: [DrmDeviceSpec] = [],
                videoDevices: [VideoDeviceSpec] = []) {
        self.i2cAdapters = i2cAdapters
        self.drmDevices = drmDevices
        self.videoDevices = videoDevices
        self.spiControllers = spiControllers
        self.watchdogs = watchdogs
        self.miscDevices = miscDevices
        self.gpioChips = gpioChips
        self.usbDevices = usbDevices
        self.drivers = drivers
        self.devices = devices
        self.links = links
    }

    /// Every device name the board declares, with its kind.
    public var deviceKinds: [String: DeviceKind] {
        var kinds: [String: DeviceKind] = [:]
        for c in gpioChips { kinds[c.name] = .gpioChip }
        for a in i2cAdapters { kinds[a.name] = .i2cAdapter }
        for c in spiControllers { kinds[c.name] = .spiController }
        for w in watchdogs { kinds[w.name] = .watchdog }
        for m in miscDevices { kinds[m.name] = .miscDevice }
        for p in serialPorts { kinds[p.name] = .serialPort }
        for h in mmcHosts { kinds[h.name] = .mmcHost }
        for n in netDevices { kinds[n.name] = .netDevice }
        for g in usbGadgets { kinds[g.udc] = .udc }
        for d in drmDevices { kinds[d.name] = .drmDevice }
        for v in videoDevices { kinds[v.name] = .videoDevice }
        for d in devices { kinds[d.name] = .platform }
        for u in usbDevices {
            kinds[u.deviceName] = .usbDevice
            for i in u.interfaceNames { kinds[i] = .usbInterface }
        }
        return kinds
    }

    /// Driver names a `bind`/`driver_override` may name: the board's plus the built-in ones.
    public var driverNames: Set<String> { Set(drivers.map(\.name) + BuiltinDrivers.names) }

    /// `/dev` node names the board publishes at setup: `gpiochip0…` for the gpio-sim chips in
    /// order, then one per `gpio` interface of each plugged USB device; `i2c-<n>`;
    /// `spidev<n>.<cs>`; `watchdog<n>` (and `watchdog` for the first); `ttyS<n>`; `mmcblk<n>`;
    /// `hidg<n>`; `dri/card<n>`; `video<n>` and `media<n>`; each misc node.
    public var nodeNames: [String] { numberedNodeNames + miscDevices.map(\.node) }

    /// The nodes named by their subsystem's numbering (everything but the misc nodes, whose
    /// names the board chooses).
    var numberedNodeNames: [String] {
        let usbChips = usbDevices.filter(\.plugged).reduce(0) { $0 + $1.interfaces.count { $0 == "gpio" } }
        let spidevs = spiControllers.enumerated().flatMap { bus, c in (0..<c.chipSelects).map { "spidev\(bus).\($0)" } }
        let watchdogNodes = watchdogs.indices.map { "watchdog\($0)" } + (watchdogs.isEmpty ? [] : ["watchdog"])
        let ttys = serialPorts.enumerated().filter { !$0.element.serdev }.map { "ttyS\($0.offset)" }
        return (0..<(gpioChips.count + usbChips)).map { "gpiochip\($0)" } + i2cAdapters.indices.map { "i2c-\($0)" }
            + spidevs + watchdogNodes + ttys + mmcHosts.indices.map { "mmcblk\($0)" } + gadgetNodeNames
            + drmDevices.indices.map { "dri/card\($0)" } + videoDevices.indices.flatMap { ["video\($0)", "media\($0)"] }
    }
}

/// The kinds of board device, for validation and reports.
public enum DeviceKind: String, Sendable, Equatable {
    case gpioChip = "gpio-chip"
    case platform
    case usbDevice = "usb-device"
    case usbInterface = "usb-interface"
    case i2cAdapter = "i2c-adapter"
    case spiController = "spi-controller"
    case watchdog
    case miscDevice = "misc-device"
    case serialPort = "serial-port"
    case mmcHost = "mmc-host"
    case netDevice = "net-device"
    case udc
    case drmDevice = "drm-device"
    case videoDevice = "video-device"
}

/// An I2C controller of the board (an EEPROM answers at 0x50).
public struct I2CAdapterSpec: Sendable, Equatable {
    public var name: String
    public var location: SourceLocation?
    public init(name: String, location: SourceLocation? = nil) {
        self.name = name
        self.location = location
    }
}

/// A gpio-sim style chip (`configfs` gpio-sim: a bank with `num_lines` and line names).
public struct GpioChipSpec: Sendable, Equatable {
    /// The platform device's name ("gpio-sim.0").
    public var name: String
    public var numLines: Int
    /// Names of the first lines; the rest are unnamed ("").
    public var lineNames: [String]
    /// Lines requested by the kernel itself at probe (gpio-hog), released at chip removal.
    public var hogs: [GpioHogSpec]
    public var location: SourceLocation?
    public init(name: String, numLines: Int, lineNames: [String] = [], hogs: [GpioHogSpec] = [],
                location: SourceLocation? = nil) {
        self.name = name
        self.numLines = numLines
        self.lineNames = lineNames
        self.hogs = hogs
        self.location = location
    }
}

/// A hogged line: requested at probe under `name` as its consumer (gpio-sim's `hog` configfs
/// item), so user space sees it used and gets EBUSY requesting it.
public struct GpioHogSpec: Sendable, Equatable {
    public var offset: Int
    public var name: String
    public init(offset: Int, name: String) {
        self.offset = offset
        self.name = name
    }
}

/// A hot-pluggable USB-like device on `port`, with one interface per class.
public struct USBDeviceSpec: Sendable, Equatable {
    public var port: String
    public var interfaces: [String]
    /// Plugged in before the actors start (default) or only by a `replug` step.
    public var plugged: Bool
    public var location: SourceLocation?
    public init(port: String, interfaces: [String], plugged: Bool = true, location: SourceLocation? = nil) {
        self.port = port
        self.interfaces = interfaces
        self.plugged = plugged
        self.location = location
    }
    /// "usb1-1" for port "1-1".
    public var deviceName: String { "usb" + port }
    /// "1-1:1.0", … in interface order.
    public var interfaceNames: [String] { interfaces.indices.map { "\(port):1.\($0)" } }
}

/// A platform driver whose behaviour the scenario describes.
public struct DriverSpec: Sendable, Equatable {
    public var name: String
    /// Compatible strings it binds (its name always matches too).
    public var compatible: [String]
    /// Supplies it needs: probe defers ("supply X not found") until a bound driver provides them.
    public var needs: [String]
    /// Supplies it provides while bound.
    public var provides: [String]
    /// devres actions registered in this order at probe (released newest-first at unbind).
    public var devres: [String]
    /// Probe fails with this errno name.
    public var failProbe: String?
    public var location: SourceLocation?

    public init(name: String, compatible: [String] = [], needs: [String] = [], provides: [String] = [],
                devres: [String] = [], failProbe: String? = nil, location: SourceLocation? = nil) {
        self.name = name
        self.compatible = compatible
        self.needs = needs
        self.provides = provides
        self.devres = devres
        self.failProbe = failProbe
        self.location = location
    }
}

/// A platform device.
public struct PlatformDeviceSpec: Sendable, Equatable {
    public var name: String
    public var compatible: [String]
    public var driverOverride: String?
    public var location: SourceLocation?
    public init(name: String, compatible: [String] = [], driverOverride: String? = nil, location: SourceLocation? = nil) {
        self.name = name
        self.compatible = compatible
        self.driverOverride = driverOverride
        self.location = location
    }
}

/// A managed device link supplier → consumer.
public struct LinkSpec: Sendable, Equatable {
    public var supplier: String
    public var consumer: String
    /// `stateless`, `autoremove_consumer`, `autoprobe_consumer`, `autoremove_supplier`.
    public var flags: [String]
    public var location: SourceLocation?
    public static let flagNames = ["stateless", "autoremove_consumer", "autoprobe_consumer", "autoremove_supplier"]
    public init(supplier: String, consumer: String, flags: [String] = [], location: SourceLocation? = nil) {
        self.supplier = supplier
        self.consumer = consumer
        self.flags = flags
        self.location = location
    }
}
