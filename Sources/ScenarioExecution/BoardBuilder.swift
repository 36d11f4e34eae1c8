import ScenarioModel
import CharDev
import DriverDescription
import DriverCore
import Instrumentation
import SimHardware
import Subsystems

/// A scenario's board, built on a fresh `Kernel`: the objects steps act on.
///
/// Guarantee: ``build(_:kernel:)`` either builds the whole board or throws a
/// ``BoardError`` naming what failed; nothing of a failed board is used. Thread-safe after
/// build (USB device table under a lock).
public final class ScenarioBoard: Sendable {
    /// The simulated hardware (platform and USB buses, `/dev`, gpiolib) the board is built on.
    public let sim: SimBoard
    /// The kernel the board lives in.
    public var kernel: Kernel { sim.kernel }
    /// What the board was built from.
    public let spec: BoardSpec
    /// The watchdog core of the board's `/dev` (the simulated hardware has none of its own).
    public let watchdog: WatchdogCore
    /// The misc-device layer of the board's `/dev`.
    public let misc: MiscCore
    /// The `ttyS` lines and the serdev bus, when the board has serial ports (the bus is
    /// registered only then, so other boards' trees do not change).
    public let serial: (tty: TTYDriver, serdev: SerdevBus)?
    /// The MMC core of the board's `/dev`.
    public let mmc: MMCCore
    /// The net core of the board's kernel (its `sim-eth` controllers' net devices, sockets).
    public let net: NetCore
    /// The board's configfs gadgets, by name (each bound by `sim-udc` on its UDC).
    public let gadgets: [String: CompositeGadget]
    /// The DRM core of the board's `/dev` (`/dev/dri/cardN`).
    public let drm: DrmCore
    /// The V4L2 core of the board's `/dev` (`/dev/videoN`, `/dev/mediaN`).
    public let v4l2: V4L2Core
    /// The drivers the scenario describes, and everything they made (nil in v1 scenarios).
    public let described: DescribedWorld?
    let supplies = Locked<[String: String]>([:])
    private let usbDevices = Locked<[String: Device]>([:])

    /// A board that could not be built.
    public struct BoardError: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    init(sim: SimBoard, spec: BoardSpec, described: DriverDescription) throws(DriverCoreError) {
        self.sim = sim
        if spec.serialPorts.isEmpty {
            serial = nil
        } else {
            let serdev = try SerdevBus(namespace: sim.dev)
            serial = (TTYDriver(prefix: "ttyS", namespace: sim.dev, serdev: serdev), serdev)
        }
        self.spec = spec
        let net = NetCore(namespace: sim.dev)
        self.net = net
        gadgets = Dictionary(spec.usbGadgets.map { ($0.name, CompositeGadget(name: $0.name, namespace: sim.dev)) },
                             uniquingKeysWith: { a, _ in a })
        self.described = described.isEmpty ? nil : DescribedWorld(described, kernel: sim.kernel, namespace: sim.dev, net: net)
        watchdog = WatchdogCore(namespace: sim.dev)
        misc = MiscCore(namespace: sim.dev, dynamicMinors: MiscDeviceSpec.staticMinors.upperBound + 1..<255)
        mmc = MMCCore(namespace: sim.dev)
        drm = DrmCore(namespace: sim.dev)
        v4l2 = V4L2Core(namespace: sim.dev)
    }

    /// Builds a scenario's board with the drivers it describes.
    public static func build(_ scenario: Scenario, kernel: Kernel = Kernel()) throws(BoardError) -> ScenarioBoard {
        try build(scenario.board, described: scenario.described, kernel: kernel)
    }

    /// Builds `spec` on `kernel`: drivers (built-in, scripted, then described), gpio chips,
    /// I2C adapters, SPI controllers, watchdogs, misc devices, platform devices, USB devices,
    /// links.
    public static func build(_ spec: BoardSpec, described: DriverDescription = DriverDescription(),
                             kernel: Kernel = Kernel()) throws(BoardError) -> ScenarioBoard {
        do {
            let sim = try SimBoard(kernel: kernel)
            let board = try ScenarioBoard(sim: sim, spec: spec, described: described)
            try kernel.registerDriver(GpioSimDriver(gpiolib: sim.gpio), on: sim.platform)
            try kernel.registerDriver(ScenarioUSBDriver(board: sim), on: sim.usb.bus)
            for d in spec.drivers {
                try kernel.registerDriver(ScenarioPlatformDriver(spec: d, supplies: board.supplies), on: sim.platform)
            }
            try board.described?.registerDrivers(on: sim.platform)
            for chip in spec.gpioChips {
                let names = chip.lineNames.joined(separator: ",")
                let hogs = chip.hogs.map { "\($0.offset)=\($0.name)" }.joined(separator: ",")
                let device = Device(kernel: kernel, name: chip.name, bus: sim.platform, matchIDs: ["gpio-sim"],
                                    properties: ["ngpios": "\(chip.numLines)", "gpio-line-names": names,
                                                 "gpio-hogs": hogs]) { _ in }
                try kernel.registerOrPut(device)
            }
            if !spec.i2cAdapters.isEmpty {
                try kernel.registerDriver(I2CEepromDriver(i2c: sim.i2c), on: sim.platform)
            }
            for a in spec.i2cAdapters {
                try kernel.registerOrPut(Device(kernel: kernel, name: a.name, bus: sim.platform, matchIDs: ["i2c-eeprom"]) { _ in })
            }
            try board.addCharDeviceKinds()
            try board.addMediaKinds()
            for d in spec.devices {
                let device = Device(kernel: kernel, name: d.name, bus: sim.platform,
                                    matchName: d.name.split(separator: ".").first.map(String.init),
                                    matchIDs: d.compatible) { _ in }
                if let o = d.driverOverride { try kernel.setDriverOverride(device, o) }
                try kernel.registerOrPut(device)
            }
            for u in spec.usbDevices where u.plugged { try board.plug(u.port) }
            for l in spec.links {
                guard let s = kernel.device(named: l.supplier), let c = kernel.device(named: l.consumer) else {
                    throw BoardError(message: "link \(l.supplier) -> \(l.consumer): device not present")
                }
                var flags: DeviceLinkFlags = []
                for f in l.flags {
                    switch f {
                    case "stateless": flags.insert(.stateless)
                    case "autoremove_consumer": flags.insert(.autoremoveConsumer)
                    case "autoprobe_consumer": flags.insert(.autoprobeConsumer)
                    default: flags.insert(.autoremoveSupplier)
                    }
                }
                try kernel.addLink(supplier: s, consumer: c, flags: flags)
            }
            return board
        } catch let error as BoardError {
            throw error
        } catch {
            throw BoardError(message: "board setup failed: \(error)")
        }
    }

    /// Plugs the USB device of `port` (as the board declared it).
    public func plug(_ port: String) throws(BoardError) {
        guard let u = spec.usbDevices.first(where: { $0.port == port }) else {
            throw BoardError(message: "no usb device on port \(port)")
        }
        do {
            let device = try sim.usb.plug(port: port, interfaces: u.interfaces)
            usbDevices.withLock { $0[port] = device }
        } catch {
            throw BoardError(message: "plug \(port): \(error)")
        }
    }

    /// The device currently plugged into `port`, if any.
    public func usbDevice(_ port: String) -> Device? { usbDevices.withLock { $0[port] } }

    /// Forgets the device of `port` and returns it (for unplug).
    func takeUSBDevice(_ port: String) -> Device? { usbDevices.withLock { $0.removeValue(forKey: port) } }
}
