import CharDev

// The spidev uAPI (include/uapi/linux/spi/spidev.h), as typed requests.

/// `SPI_IOC_MESSAGE(n)`: one full-duplex message; the reply holds the bytes received per
/// transfer.
public struct SpiIocMessage: IoctlRequest {
    public typealias Reply = [[UInt8]]
    public static let name = "SPI_IOC_MESSAGE"
    public let transfers: [SPITransfer]
    public init(_ transfers: [SPITransfer]) { self.transfers = transfers }
}

/// `SPI_IOC_RD_MODE32`.
public struct SpiIocReadMode: IoctlRequest {
    public typealias Reply = SPIMode
    public static let name = "SPI_IOC_RD_MODE32"
    public init() {}
}

/// `SPI_IOC_WR_MODE32`: EINVAL for unknown bits or a mode the controller refuses (the old
/// mode is kept, as spidev.c restores `spi->mode` when `spi_setup` fails).
public struct SpiIocWriteMode: IoctlRequest {
    public typealias Reply = Void
    public static let name = "SPI_IOC_WR_MODE32"
    public let mode: SPIMode
    public init(_ mode: SPIMode) { self.mode = mode }
}

/// `SPI_IOC_RD_MAX_SPEED_HZ`.
public struct SpiIocReadMaxSpeed: IoctlRequest {
    public typealias Reply = UInt32
    public static let name = "SPI_IOC_RD_MAX_SPEED_HZ"
    public init() {}
}

/// `SPI_IOC_WR_MAX_SPEED_HZ`: EINVAL for 0 or a speed the controller refuses (old kept).
public struct SpiIocWriteMaxSpeed: IoctlRequest {
    public typealias Reply = Void
    public static let name = "SPI_IOC_WR_MAX_SPEED_HZ"
    public let speedHz: UInt32
    public init(_ speedHz: UInt32) { self.speedHz = speedHz }
}
