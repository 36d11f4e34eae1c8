import CharDev

/// One segment of an SPI message (`struct spi_ioc_transfer`, include/uapi/linux/spi/spidev.h):
/// clocks out `tx` (or zeros when `tx` is nil) and clocks in `length` bytes, full duplex.
public struct SPITransfer: Sendable, Equatable {
    public let tx: [UInt8]?
    public let length: Int
    /// Per-transfer clock override (`speed_hz`); nil uses the device's speed.
    public let speedHz: UInt32?

    public init(tx: [UInt8]?, length: Int? = nil, speedHz: UInt32? = nil) {
        self.tx = tx
        self.length = length ?? tx?.count ?? 0
        self.speedHz = speedHz
    }

    /// A receive-only transfer of `count` bytes.
    public static func read(_ count: Int) -> SPITransfer { SPITransfer(tx: nil, length: count) }

    /// spidev's default buffer size (`bufsiz` module parameter, drivers/spi/spidev.c): larger
    /// messages are EMSGSIZE there; here EINVAL.
    public static let maxMessageBytes = 4096

    /// Checks a message before it reaches a driver: non-empty, lengths consistent with `tx`,
    /// total at most ``maxMessageBytes``. Cost: O(transfers). Never blocks.
    static func validate(_ transfers: [SPITransfer]) throws(FileError) {
        guard !transfers.isEmpty else { throw FileError(.EINVAL, "SPI message without transfers") }
        var total = 0
        for t in transfers {
            guard t.length >= 0, t.tx == nil || t.tx?.count == t.length else {
                throw FileError(.EINVAL, "SPI transfer length \(t.length) does not match tx")
            }
            total += t.length
        }
        guard total <= maxMessageBytes else { throw FileError(.EINVAL, "SPI message of \(total) bytes > \(maxMessageBytes)") }
    }
}

/// SPI mode bits (`SPI_CPHA`, `SPI_CPOL`, … include/uapi/linux/spi/spi.h), the subset modelled.
public struct SPIMode: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let cpha = SPIMode(rawValue: 0x01)
    public static let cpol = SPIMode(rawValue: 0x02)
    public static let csHigh = SPIMode(rawValue: 0x04)
    public static let lsbFirst = SPIMode(rawValue: 0x08)
    public static let threeWire = SPIMode(rawValue: 0x10)
    public static let loop = SPIMode(rawValue: 0x20)
    public static let mode0: SPIMode = []
    public static let mode3: SPIMode = [.cpol, .cpha]
    /// Every bit this model knows; others are EINVAL.
    public static let all: SPIMode = [.cpha, .cpol, .csHigh, .lsbFirst, .threeWire, .loop]
}

/// The settings of one SPI device (`spi->mode`, `spi->max_speed_hz`): object lifetime, kept by
/// the subsystem's ``Spidev`` object, passed to the driver with every call.
public struct SPISettings: Sendable, Equatable {
    public var mode: SPIMode
    public var speedHz: UInt32
    public init(mode: SPIMode = .mode0, speedHz: UInt32) { self.mode = mode; self.speedHz = speedHz }
}
