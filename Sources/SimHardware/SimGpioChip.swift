import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// The chip ops of every simulated GPIO controller (gpio-sim, a USB GPIO interface): line
/// values live in the driver's devres memory, so an access after unbind is a use after free
/// the sanitizer reports.
public final class SimGpioChip: GpioChipOps {
    public let label: String
    public let lineNames: [String]
    let values: ModelMemory<[Bool]>
    let registers: DevresRevocable<ModelMemory<[Bool]>>
    let irqLock: ModelLock

    /// The interrupt handler's view of the registers is revoked at unbind (Rust's
    /// Devres<IoMem>): the handler runs outside the chip's fence.
    public init(label: String, lineNames: [String], values: ModelMemory<[Bool]>, on device: borrowing BoundDevice) throws(DriverCoreError) {
        self.label = label
        self.lineNames = lineNames
        self.values = values
        registers = try DevresRevocable(values, name: "\(label) registers", on: device)
        irqLock = ModelLock(class: "gpio-sim.irq", name: "\(label).irq", events: device.device.kernel.events)
    }

    /// Reads the line's level under the chip lock, as a real handler reads its status
    /// register; nothing once the registers are revoked (the device is unbinding).
    public func interrupt(_ offset: Int, rising: Bool) -> Bool {
        registers.withAccess { regs in
            guard let regs else { return false }
            irqLock.lock()
            defer { irqLock.unlock() }
            return (try? regs.get()).map { offset < $0.count } ?? false
        }
    }

    public func getValue(_ offset: Int) throws(FileError) -> Bool {
        do { return try values.get()[offset] } catch { throw FileError(.EIO, error.description) }
    }

    public func setValue(_ offset: Int, _ value: Bool) throws(FileError) {
        do { try values.write { $0[offset] = value } } catch { throw FileError(.EIO, error.description) }
    }

    public func setDirection(_ offset: Int, output: Bool) throws(FileError) {}
}
