import CharDev
import DriverCore
import Instrumentation
import Subsystems

// Built-in drivers for the watchdog and misc subsystems, used by scenario boards and by
// torture. Each keeps its state in devres memory, as a real driver's private data is: a file
// operation that reached the driver after its unbind would be a use after free the sanitizer
// reports, so a clean run proves the subsystem's fence kept every call out.

/// `softdog`: a software watchdog timer. Its register cache (start/stop/ping count) is devres
/// memory; the timeout bounds and the nowayout/stop-on-unregister choices come from the
/// device's properties.
///
/// Built in by default; ``setModule(_:)`` makes it the driver of a loaded module
/// (CONFIG_SOFT_WATCHDOG=m), which its watchdogs then name as their owner: open files and a
/// running timer pin the module, as in drivers/watchdog/softdog.c.
public final class SoftdogDriver: DeviceDriver {
    public static let driverName = "softdog"
    /// The timeouts (seconds) the hardware accepts.
    public static let timeoutRange = 1...600
    public let name = driverName
    public let idTable = ["softdog"]
    let core: WatchdogCore
    private let module = Locked<Module?>(nil)
    public init(core: WatchdogCore) { self.core = core }

    /// The module this driver belongs to: set once, after the module's init registered the
    /// driver and before any device binds.
    public func setModule(_ module: Module) { self.module.withLock { $0 = module } }

    static let info = WatchdogInfo(identity: "Software Watchdog", options: [.magicClose, .keepalivePing, .setTimeout])

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        func flag(_ key: String) -> Bool { ((try? device.device.property(key)) ?? nil) == "1" }
        let timeout = Int((try? device.device.property("timeout-sec")) ?? nil ?? "") ?? 30
        let config = WatchdogConfig(timeout: timeout, minTimeout: Self.timeoutRange.lowerBound,
                                    maxTimeout: Self.timeoutRange.upperBound,
                                    nowayout: flag("nowayout"), stopOnUnregister: flag("stop-on-unregister"))
        let owner = module.withLock { $0 }
        try ProbeError.mapping {
            let registers = try device.devres.alloc(0, name: "devm_kzalloc(softdog)")
            try core.register(SoftdogOps(registers: registers, owner: owner), config: config, provider: device)
        }
    }
}

/// The `watchdog_ops` of `softdog`.
final class SoftdogOps: WatchdogOps {
    let registers: ModelMemory<Int>
    let owner: Module?
    /// Whether the timer runs and so holds its module reference: softdog_ping takes one when
    /// the hrtimer was not active, softdog_stop drops it when it cancelled the timer (and so
    /// would the timer's expiry; the model's never expires).
    private let timerPinsModule = Locked(false)
    init(registers: ModelMemory<Int>, owner: Module?) {
        self.registers = registers
        self.owner = owner
    }
    var info: WatchdogInfo { SoftdogDriver.info }

    private func touch() throws(FileError) {
        do { try registers.write { $0 += 1 } } catch { throw FileError(.EIO, "\(error)") }
    }

    private func timer(running: Bool) {
        guard let owner else { return }
        let change = timerPinsModule.withLock { pinned -> Bool in defer { pinned = running }; return pinned != running }
        guard change else { return }
        // __module_get: the module is live (an open file pins it while the timer starts).
        if running { _ = owner.tryGet() } else { owner.put() }
    }

    func start(timeout: Int) throws(FileError) {
        try touch()
        timer(running: true)
    }
    func stop() throws(FileError) {
        try touch()
        timer(running: false)
    }
    func ping() throws(FileError) {
        try touch()
        timer(running: true)
    }
    func setTimeout(_ seconds: Int) throws(FileError) -> Int {
        try touch()
        return seconds
    }
}

/// `misc-pipe`: registers `/dev/<misc-name>` (the device's `misc-name` property, optional
/// `misc-minor`) whose fops are a byte pipe over devres memory.
public final class MiscPipeDriver: DeviceDriver {
    public static let driverName = "misc-pipe"
    public let name = driverName
    public let idTable = ["misc-pipe"]
    let misc: MiscCore
    public init(misc: MiscCore) { self.misc = misc }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
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
