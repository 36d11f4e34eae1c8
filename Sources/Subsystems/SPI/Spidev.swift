import CharDev
import DriverCore
import Instrumentation

/// The subsystem-owned, refcounted object behind one `/dev/spidevB.C` node: the device and
/// cdev, plus the SPI settings (mode, speed) that belong to the device, not the driver.
public final class Spidev: Sendable, CustomStringConvertible {
    public let busNumber: Int
    public let chipSelect: Int
    public let cdev: CharDevice
    let settings: Locked<SPISettings>

    init(busNumber: Int, chipSelect: Int, cdev: CharDevice, settings: Locked<SPISettings>) {
        self.busNumber = busNumber
        self.chipSelect = chipSelect
        self.cdev = cdev
        self.settings = settings
    }

    /// `spidevB.C`.
    public var name: String { Self.name(bus: busNumber, chipSelect: chipSelect) }
    public var description: String { name }
    static func name(bus: Int, chipSelect: Int) -> String { "spidev\(bus).\(chipSelect)" }
    /// False once the controller's provider unbound.
    public var isAlive: Bool { cdev.isAlive }
    /// True once the object was released (after removal and the last close).
    public var isReleased: Bool { cdev.isReleased }
}

/// A registered SPI controller (`struct spi_controller` as the core sees it, bus number
/// lowest-free) and its spidev nodes, one per chip select.
public final class SPIController: Sendable, CustomStringConvertible {
    public let busNumber: Int
    public let spidevs: [Spidev]
    init(busNumber: Int, spidevs: [Spidev]) {
        self.busNumber = busNumber
        self.spidevs = spidevs
    }
    public var description: String { "spi\(busNumber)" }
}

/// The file operations of one spidev node on top of the controller's ops
/// (drivers/spi/spidev.c). They run only inside the node's fence — the whole transfer, not
/// just a check. That is what spidev needed `a720416d9463` for (the spinlock was
/// held only for the `spidev->spi` NULL check, then the transfer ran unprotected); here the
/// check-then-use gap does not exist, because there is no separate check: the fence access is
/// the check and it lasts until the driver call returns, and unbind's revoke waits for it.
final class SpidevOps: FileOperations {
    let ops: any SPIControllerOps
    let chipSelect: Int
    let settings: Locked<SPISettings>
    /// The controller's bus lock (shared by all its nodes): one message at a time.
    let busLock: Locked<UInt64>

    init(ops: any SPIControllerOps, chipSelect: Int, settings: Locked<SPISettings>, busLock: Locked<UInt64>) {
        self.ops = ops
        self.chipSelect = chipSelect
        self.settings = settings
        self.busLock = busLock
    }

    /// `spidev_sync`: validates and runs the whole message under the bus lock.
    func message(_ transfers: [SPITransfer]) throws(FileError) -> [[UInt8]] {
        try SPITransfer.validate(transfers)
        return try busLock.withLock { (count: inout UInt64) throws(FileError) -> [[UInt8]] in
            count &+= 1
            return try ops.transfer(chipSelect: chipSelect, settings.withLock { $0 }, transfers)
        }
    }

    /// `spidev_read`: half duplex, `min(maxBytes, bufsiz)` bytes clocked in.
    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        let count = min(max(maxBytes, 0), SPITransfer.maxMessageBytes)
        return try message([.read(count)]).first ?? []
    }

    /// `spidev_write`: half duplex, EINVAL above `bufsiz` (spidev.c returns EMSGSIZE).
    func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
        _ = try message([SPITransfer(tx: data)])
        return data.count
    }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        switch request {
        case let r as SpiIocMessage:
            return try message(r.transfers)
        case is SpiIocReadMode:
            return settings.withLock { $0.mode }
        case is SpiIocReadMaxSpeed:
            return settings.withLock { $0.speedHz }
        case let r as SpiIocWriteMode:
            guard SPIMode.all.isSuperset(of: r.mode) else { throw FileError(.EINVAL, "SPI mode 0x\(String(r.mode.rawValue, radix: 16))") }
            try update { $0.mode = r.mode }
            return ()
        case let r as SpiIocWriteMaxSpeed:
            guard r.speedHz > 0, r.speedHz <= ops.maxSpeedHz else { throw FileError(.EINVAL, "SPI speed \(r.speedHz) Hz") }
            try update { $0.speedHz = r.speedHz }
            return ()
        default:
            throw FileError(.ENOTTY, "\(type(of: request).name) on \(file.node)")
        }
    }

    /// Applies a settings change through `spi_setup`; on refusal the old settings stay.
    private func update(_ change: (inout SPISettings) -> Void) throws(FileError) {
        try busLock.withLock { (_: inout UInt64) throws(FileError) in
            var new = settings.withLock { $0 }
            change(&new)
            try ops.setup(chipSelect: chipSelect, new)
            settings.withLock { $0 = new }
        }
    }
}
