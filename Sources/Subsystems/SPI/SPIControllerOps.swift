import CharDev

/// What an SPI controller driver provides (the bound-scope part of `struct spi_controller`).
///
/// The core calls these **only inside a spidev node's revocation fence** and under the
/// controller's bus lock (one message at a time, as `spi_sync` serialises on
/// `bus_lock_mutex`, drivers/spi/spi.c). An implementation may keep its state in devres
/// memory: once the provider's unbind revoked the fences nothing calls it again.
public protocol SPIControllerOps: AnyObject, Sendable {
    /// Chip selects (`num_chipselect`): one spidev node each.
    var chipSelects: Int { get }
    /// The fastest clock the controller supports (`max_speed_hz`).
    var maxSpeedHz: UInt32 { get }
    /// `spi_setup`: may refuse a mode or speed with EINVAL.
    func setup(chipSelect: Int, _ settings: SPISettings) throws(FileError)
    /// `transfer_one_message`: returns the bytes received for each transfer, in order.
    func transfer(chipSelect: Int, _ settings: SPISettings, _ transfers: [SPITransfer]) throws(FileError) -> [[UInt8]]
}
