import CharDev
import DriverCore
import Instrumentation
import Subsystems

// The built-in drivers behind the SPI, watchdog and misc board kinds. Each keeps its state in
// devres memory, as a real driver's private data is: a file operation that reached the driver
// after its unbind would be a use after free the sanitizer reports, so a green example proves
// the subsystem's fence kept every call out.

/// `spi-loopback`: an SPI controller with MOSI wired to MISO. Chip selects and maximum speed
/// come from the device's properties (the board's `chip_selects`, `max_speed_hz`).
final class SPILoopbackDriver: DeviceDriver {
    let name = BuiltinDrivers.spiLoopback
    let idTable = ["spi-loopback"]
    let spi: SPICore
    init(spi: SPICore) { self.spi = spi }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let chipSelects = Int((try? device.device.property("num-cs")) ?? nil ?? "") ?? 1
        let maxSpeed = UInt32((try? device.device.property("spi-max-frequency")) ?? nil ?? "")
            ?? UInt32(SPIControllerSpec.defaultMaxSpeedHz)
        try ProbeError.mapping {
            let messages = try device.devres.alloc(0, name: "devm_kzalloc(spi state)")
            try spi.addController(LoopbackSPIOps(chipSelects: chipSelects, maxSpeedHz: maxSpeed, messages: messages),
                                  provider: device)
        }
    }
}

/// The controller ops of `spi-loopback`: every message is counted in devres memory.
final class LoopbackSPIOps: SPIControllerOps {
    let chipSelects: Int
    let maxSpeedHz: UInt32
    let messages: ModelMemory<Int>

    init(chipSelects: Int, maxSpeedHz: UInt32, messages: ModelMemory<Int>) {
        self.chipSelects = chipSelects
        self.maxSpeedHz = maxSpeedHz
        self.messages = messages
    }

    func setup(chipSelect: Int, _ settings: SPISettings) throws(FileError) {
        guard settings.speedHz <= maxSpeedHz else { throw FileError(.EINVAL, "\(settings.speedHz) Hz is too fast") }
    }

    func transfer(chipSelect: Int, _ settings: SPISettings, _ transfers: [SPITransfer]) throws(FileError) -> [[UInt8]] {
        do { try messages.write { $0 += 1 } } catch { throw FileError(.EIO, "\(error)") }
        return transfers.map { $0.tx ?? [UInt8](repeating: 0, count: $0.length) }
    }
}

/// `softdog`: a software watchdog timer. Its register cache (start/stop/ping count) is devres
/// memory; the timeout bounds and the nowayout/stop-on-unregister choices come from the
/// device's properties.
final class SoftdogDriver: DeviceDriver {
    let name = BuiltinDrivers.softdog
    let idTable = ["softdog"]
    let core: WatchdogCore
    init(core: WatchdogCore) { self.core = core }

    static let info = WatchdogInfo(identity: "Software Watchdog", options: [.magicClose, .keepalivePing, .setTimeout])

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        func flag(_ key: String) -> Bool { ((try? device.device.property(key)) ?? nil) == "1" }
        let timeout = Int((try? device.device.property("timeout-sec")) ?? nil ?? "") ?? 30
        let config = WatchdogConfig(timeout: timeout, minTimeout: WatchdogSpec.timeoutRange.lowerBound,
                                    maxTimeout: WatchdogSpec.timeoutRange.upperBound,
                                    nowayout: flag("nowayout"), stopOnUnregister: flag("stop-on-unregister"))
        try ProbeError.mapping {
            let registers = try device.devres.alloc(0, name: "devm_kzalloc(softdog)")
            try core.register(SoftdogOps(registers: registers), config: config, provider: device)
        }
    }
}

/// The `watchdog_ops` of `softdog`.
final class SoftdogOps: WatchdogOps {
    let registers: ModelMemory<Int>
    init(registers: ModelMemory<Int>) { self.registers = registers }
    var info: WatchdogInfo { SoftdogDriver.info }

    private func touch() throws(FileError) {
        do { try registers.write { $0 += 1 } } catch { throw FileError(.EIO, "\(error)") }
    }

    func start(timeout: Int) throws(FileError) { try touch() }
    func stop() throws(FileError) { try touch() }
    func ping() throws(FileError) { try touch() }
    func setTimeout(_ seconds: Int) throws(FileError) -> Int {
        try touch()
        return seconds
    }
}

/// `misc-pipe`: registers `/dev/<misc-name>` (the device's `misc-name` property, optional
/// `misc-minor`) whose fops are a byte pipe over devres memory.
final class MiscPipeDriver: DeviceDriver {
    let name = BuiltinDrivers.miscPipe
    let idTable = ["misc-pipe"]
    let misc: MiscCore
    init(misc: MiscCore) { self.misc = misc }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let node = ((try? device.device.property("misc-name")) ?? nil) ?? device.device.name
        let minor = ((try? device.device.property("misc-minor")) ?? nil).flatMap { Int($0) }
        try ProbeError.mapping {
            let buffer = try device.devres.alloc([UInt8](), name: "devm_kzalloc(pipe)")
            let ops = MiscPipeOps(buffer: buffer)
            let registered = try misc.register(name: node, minor: minor, operations: ops, provider: device)
            ops.attach(registered.cdev)
        }
    }
}

/// `FIONREAD` on a misc pipe: the bytes queued.
public struct MiscFionread: IoctlRequest {
    public typealias Reply = Int
    public static let name = "FIONREAD"
    public init() {}
}

/// The fops of a misc pipe. Reads return nil while empty, so the CharDev helper sleeps outside
/// the fence (an unbind never waits for such a reader) and a write wakes it.
final class MiscPipeOps: FileOperations {
    let buffer: ModelMemory<[UInt8]>
    /// The node, to wake sleepers on a write; weak because the node owns these ops.
    private let node = Locked<WeakNode>(WeakNode())
    struct WeakNode { weak var cdev: CharDevice? }

    init(buffer: ModelMemory<[UInt8]>) { self.buffer = buffer }

    func attach(_ cdev: CharDevice) { node.withLock { $0.cdev = cdev } }

    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        let count = min(maxBytes, 16)
        let out = try access { b -> [UInt8] in
            defer { b.removeFirst(min(count, b.count)) }
            return Array(b.prefix(count))
        }
        return out.isEmpty ? nil : out
    }

    func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
        try access { $0.append(contentsOf: data) }
        if !data.isEmpty { node.withLock { $0.cdev }?.notify() }
        return data.count
    }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        guard request is MiscFionread else { throw FileError(.ENOTTY, "\(type(of: request).name) on \(file.node)") }
        return try access { $0.count }
    }

    func poll(_ file: FileContext) -> PollEvents {
        ((try? buffer.get().isEmpty) ?? true) ? [.out] : [.in, .out]
    }

    private func access<R>(_ body: (inout [UInt8]) -> R) throws(FileError) -> R {
        do { return try buffer.write(body) } catch { throw FileError(.EIO, "\(error)") }
    }
}
