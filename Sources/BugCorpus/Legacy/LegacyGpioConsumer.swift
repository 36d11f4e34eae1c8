import CharDev
import DriverCore
import Instrumentation
import Revocable

/// gpiolib's in-kernel consumer path before `d83cee3d2bb1` (classes P4/P8), as a legacy
/// driver: `bdbbae241a04` had put the character device's syscalls under the GPIO device's
/// semaphore, but a consumer's `gpiod_get_value()` still read `gdev->chip`, checked it and
/// called into it with nothing keeping `gpiochip_remove()` out in between. `d83cee3d2bb1` (with
/// 23 siblings) put the chip pointer under SRCU: a read section around every use, removal
/// clearing the pointer and waiting for the readers (`srcu: true`, our Revocable).
/// Teaching material only. The chip's values are the driver's devres memory, freed at unbind.
final class LegacyGpioConsumerDriver: DeviceDriver {
    let name = "legacy-gpio-consumer"
    let idTable = ["legacy-gpio-consumer"]
    let srcu: Bool
    /// Runs inside `getValue`, between the check of the chip pointer and its use: where the
    /// corpus forces an unbind to land (``UnbindInWindow``).
    let window = Locked<(@Sendable () -> Void)?>(nil)
    /// The GPIO device of the bound chip, for the consumer to take a descriptor on.
    let gdev = Locked<GpioDevice?>(nil)

    init(srcu: Bool) { self.srcu = srcu }

    /// `struct gpio_device`, as far as a consumer sees it: the chip pointer, plain or fenced.
    final class GpioDevice: Sendable {
        let plain: Locked<ModelMemory<[Bool]>?>
        let fenced: Revocable<ModelMemory<[Bool]>>
        let srcu: Bool

        init(chip: ModelMemory<[Bool]>, srcu: Bool, events: EventStream) {
            plain = Locked(chip)
            fenced = Revocable(chip, name: "gdev->chip", events: events)
            self.srcu = srcu
        }

        /// `gpiochip_remove()`: clear the pointer (and, with SRCU, wait for the readers).
        func remove() {
            if srcu { _ = try? fenced.revoke() } else { plain.withLock { $0 = nil } }
        }
    }

    /// A consumer's `struct gpio_desc` on line 0.
    struct Descriptor: Sendable {
        let gdev: GpioDevice
        let window: Locked<(@Sendable () -> Void)?>

        /// `gpiod_get_value()`: check the chip, (window), read the line.
        func getValue() throws(FileError) -> Bool {
            let read = { (chip: ModelMemory<[Bool]>?) throws(FileError) -> Bool in
                guard let chip else { throw FileError(.ENODEV, "gpio chip gone") }
                window.withLock { $0 }?()
                do { return try chip.get()[0] } catch { throw FileError(.EIO, "\(error)") }
            }
            if gdev.srcu { return try gdev.fenced.withAccess { (chip) throws(FileError) -> Bool in try read(chip) } }
            return try read(gdev.plain.withLock { $0 })
        }
    }

    func descriptor() -> Descriptor? { gdev.withLock { $0 }.map { Descriptor(gdev: $0, window: window) } }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let (srcu, slot) = (self.srcu, self.gdev)
        try ProbeError.mapping {
            let values = try device.devres.alloc([true, false], name: "devm_kzalloc(chip)")
            let gdev = GpioDevice(chip: values, srcu: srcu, events: device.device.kernel.events)
            slot.withLock { $0 = gdev }
            try device.devres.addActionOrReset(ActionKey("gpiochip_remove", data: gdev)) { gdev.remove() }
        }
    }
}
