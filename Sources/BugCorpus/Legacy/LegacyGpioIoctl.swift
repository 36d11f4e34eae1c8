import CharDev
import DriverCore
import Instrumentation

/// gpiolib's character device between `bdbbae241a04` and `1d656bd259ed` (class P3),
/// as a legacy driver. `bdbbae241a04` made the syscalls take the GPIO device's semaphore for
/// reading across their whole use of the chip, and `gpiochip_remove()` take it for writing
/// before clearing the chip pointer; `gpio_ioctl()` was left out, so it still checked the
/// pointer and then used it with nothing keeping removal out in between. `1d656bd259ed`
/// wrapped it like the others (`protectIoctl: true`). Teaching material only.
///
/// A model lock stands in for the semaphore: readers sharing it would not change what this
/// shows. The chip's values are the driver's devres memory, freed at unbind.
final class LegacyGpioSemDriver: DeviceDriver {
    let name = "legacy-gpio-sem"
    let idTable = ["legacy-gpio-sem"]
    let namespace: DevNamespace
    let protectIoctl: Bool
    /// Runs inside a call, between its check of the chip pointer and its use of the chip:
    /// where the corpus forces an unbind to land (``UnbindInWindow``).
    let window = Locked<(@Sendable () -> Void)?>(nil)

    init(namespace: DevNamespace, protectIoctl: Bool) {
        self.namespace = namespace
        self.protectIoctl = protectIoctl
    }

    struct GetValue: IoctlRequest { typealias Reply = Bool; static let name = "GPIO_V2_LINE_GET_VALUES_IOCTL" }

    /// The subsystem's `struct gpio_device`: the semaphore and the chip pointer.
    final class GpioDevice: Sendable {
        let sem: ModelLock
        let chip: Locked<ModelMemory<[Bool]>?>
        init(chip: ModelMemory<[Bool]>, events: EventStream) {
            sem = ModelLock(class: "gpio_device.sem", name: "legacy-gpiochip0.sem", events: events)
            self.chip = Locked(chip)
        }
    }

    final class Ops: FileOperations {
        let gdev: GpioDevice
        let protectIoctl: Bool
        let window: Locked<(@Sendable () -> Void)?>
        init(gdev: GpioDevice, protectIoctl: Bool, window: Locked<(@Sendable () -> Void)?>) {
            self.gdev = gdev
            self.protectIoctl = protectIoctl
            self.window = window
        }

        /// Check the chip, (window), use it.
        func checkThenUse() throws(FileError) -> Bool {
            guard let chip = gdev.chip.withLock({ $0 }) else { throw FileError(.ENODEV, "chip gone") }
            window.withLock { $0 }?()
            do { return try chip.get()[0] } catch { throw FileError(.EIO, "\(error)") }
        }

        /// The same under the semaphore: removal cannot clear the chip in between.
        func guarded() throws(FileError) -> Bool {
            try gdev.sem.withLock { () throws(FileError) -> Bool in try checkThenUse() }
        }

        func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
            [try guarded() ? 1 : 0]  // protected since bdbbae241a04
        }

        func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
            try protectIoctl ? guarded() : checkThenUse()  // gpio_ioctl(): the entry point left out
        }
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let (namespace, protectIoctl, window) = (self.namespace, self.protectIoctl, self.window)
        try ProbeError.mapping {
            let values = try device.devres.alloc([true, false], name: "devm_kzalloc(chip)")
            let gdev = GpioDevice(chip: values, events: device.device.kernel.events)
            // The subsystem's own checks are the only protection, as in the kernel then.
            let cdev = try CharDevice.register(name: "legacy-gpiochip0", parent: device.device, namespace: namespace,
                                               operations: Ops(gdev: gdev, protectIoctl: protectIoctl, window: window),
                                               protection: .legacyUnchecked)
            try device.devres.addActionOrReset(ActionKey("gpiochip_remove", data: cdev)) {
                gdev.sem.withLock { gdev.chip.withLock { $0 = nil } }
                cdev.unregister()
            }
        }
    }
}
