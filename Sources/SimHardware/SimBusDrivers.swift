import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// An EEPROM-like chip at 0x50 behind the simulated I2C controller: 16 bytes in the driver's
/// devres memory (so any access after unbind would be a detected use after free). A write sets
/// the address pointer (first byte) and stores the rest; a read returns bytes from the pointer.
public final class SimEepromAdapter: I2CAdapterOps {
    public struct Eeprom: Sendable {
        public var bytes = [UInt8](repeating: 0, count: 16)  // zeroed, as devm_kzalloc returns it
        public var pointer = 0
        public init() {}
    }
    public static let address: UInt16 = 0x50
    public let name = "sim-i2c"
    public let functionality: I2CFunctionality = [.i2c, .smbusQuick]
    let memory: ModelMemory<Eeprom>
    /// Counts transfers that reached the driver (tests compare it across an unbind).
    let calls: Locked<Int>?

    public init(memory: ModelMemory<Eeprom>, calls: Locked<Int>? = nil) {
        self.memory = memory
        self.calls = calls
    }

    public func masterTransfer(_ messages: [I2CMessage]) throws(FileError) -> [I2CMessage] {
        calls?.withLock { $0 += 1 }
        var out: [I2CMessage] = []
        for m in messages {
            guard m.address == Self.address else { throw FileError(.ENXIO, "no ACK from 0x\(String(m.address, radix: 16))") }
            do {
                out.append(try memory.write { (e: inout Eeprom) -> I2CMessage in
                    if m.isRead {
                        let bytes = (0..<m.length).map { i in e.bytes[(e.pointer + i) % e.bytes.count] }
                        e.pointer = (e.pointer + m.length) % e.bytes.count
                        return m.received(bytes)
                    }
                    if let first = m.data.first { e.pointer = Int(first) % e.bytes.count }
                    for b in m.data.dropFirst() {
                        e.bytes[e.pointer] = b
                        e.pointer = (e.pointer + 1) % e.bytes.count
                    }
                    return m
                })
            } catch {
                throw FileError(.EIO, "\(error)")
            }
        }
        return out
    }
}

/// The SPI controller driver of the board.
public final class SpiSimDriver: DeviceDriver {
    public let name = "spi-sim"
    public let idTable = ["spi-sim"]
    let spi: SPICore
    public init(spi: SPICore) { self.spi = spi }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        try ProbeError.mapping {
            try device.step("map registers")
            let counter = try device.devres.alloc(0, name: "devm_kzalloc(spi state)")
            try device.step("enable clock")
            try device.devres.addAction(ActionKey("clk_disable_unprepare")) {}
            try device.step("request irq")
            try device.devres.addAction(ActionKey("free_irq")) {}
            try device.step("spi_register_controller")
            try spi.addController(LoopbackSPIOps(chipSelects: 2, maxSpeedHz: 10_000_000, messages: counter), provider: device)
        }
    }
}
