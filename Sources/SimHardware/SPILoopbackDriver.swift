import CharDev
import DriverCore
import Instrumentation
import Subsystems

// The built-in driver behind the scenario SPI board kind. It keeps its state in devres memory, as a real driver's private data
// is: a file operation that reached the driver after its unbind would be a use after free the
// sanitizer reports, so a green example proves the subsystem's fence kept every call out.

/// `spi-loopback`: an SPI controller with MOSI wired to MISO. Chip selects and maximum speed
/// come from the device's properties (the board's `chip_selects`, `max_speed_hz`).
public final class SPILoopbackDriver: DeviceDriver {
    public let name = BuiltinDrivers.spiLoopback
    public let idTable = ["spi-loopback"]
    let spi: SPICore
    public init(spi: SPICore) { self.spi = spi }

    /// `spi-max-frequency` when the device does not say.
    public static let defaultMaxSpeedHz: UInt32 = 10_000_000

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let chipSelects = Int((try? device.device.property("num-cs")) ?? nil ?? "") ?? 1
        let maxSpeed = UInt32((try? device.device.property("spi-max-frequency")) ?? nil ?? "")
            ?? Self.defaultMaxSpeedHz
        try ProbeError.mapping {
            let messages = try device.devres.alloc(0, name: "devm_kzalloc(spi state)")
            try spi.addController(LoopbackSPIOps(chipSelects: chipSelects, maxSpeedHz: maxSpeed, messages: messages),
                                  provider: device)
        }
    }
}
