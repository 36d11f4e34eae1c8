import ScenarioModel
import CharDev
import DriverCore
import Instrumentation
import Subsystems

// The built-in driver behind the SPI board kind (the watchdog and misc kinds use SimHardware's
// softdog and misc-pipe). It keeps its state in devres memory, as a real driver's private data
// is: a file operation that reached the driver after its unbind would be a use after free the
// sanitizer reports, so a green example proves the subsystem's fence kept every call out.

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
