import CharDev
import DriverCore
import Subsystems

/// The ops of every simulated SPI controller: MOSI wired to MISO, every message counted in
/// devres memory (a message after unbind is a use after free the sanitizer reports).
public final class LoopbackSPIOps: SPIControllerOps {
    public let chipSelects: Int
    public let maxSpeedHz: UInt32
    let messages: ModelMemory<Int>

    public init(chipSelects: Int, maxSpeedHz: UInt32, messages: ModelMemory<Int>) {
        self.chipSelects = chipSelects
        self.maxSpeedHz = maxSpeedHz
        self.messages = messages
    }

    public func setup(chipSelect: Int, _ settings: SPISettings) throws(FileError) {
        guard settings.speedHz <= maxSpeedHz else { throw FileError(.EINVAL, "\(settings.speedHz) Hz is too fast") }
    }

    public func transfer(chipSelect: Int, _ settings: SPISettings, _ transfers: [SPITransfer]) throws(FileError) -> [[UInt8]] {
        do { try messages.write { $0 += 1 } } catch { throw FileError(.EIO, "\(error)") }
        return transfers.map { $0.tx ?? [UInt8](repeating: 0, count: $0.length) }
    }
}
