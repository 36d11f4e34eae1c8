import CharDev
import DriverCore
import Instrumentation

/// gpiolib's character device before `533aae7c94db` (drivers/gpio/gpiolib-cdev.c, class P2), as a legacy driver: the
/// file operations reach the chip with no check at all (`Protection.legacyUnchecked`), and the
/// chip's state is the driver's devres memory, freed at unbind. Teaching material only.
final class LegacyGpioUncheckedDriver: DeviceDriver {
    let name = "legacy-gpio"
    let idTable = ["legacy-gpio"]
    let namespace: DevNamespace
    init(namespace: DevNamespace) { self.namespace = namespace }

    struct GetValue: IoctlRequest { typealias Reply = Bool; static let name = "GPIO_V2_LINE_GET_VALUES_IOCTL" }

    final class Ops: FileOperations {
        let values: ModelMemory<[Bool]>
        init(values: ModelMemory<[Bool]>) { self.values = values }
        func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
            do { return try values.get()[0] } catch { throw FileError(.EIO, "\(error)") }  // gdev->chip->get()
        }
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let namespace = self.namespace
        try ProbeError.mapping {
            let values = try device.devres.alloc([false, true], name: "devm_kzalloc(chip)")
            let cdev = try CharDevice.register(name: "legacy-gpiochip0", parent: device.device, namespace: namespace,
                                               operations: Ops(values: values), protection: .legacyUnchecked)
            try device.devres.addActionOrReset(ActionKey("gpiochip_remove", data: cdev)) { cdev.unregister() }
        }
    }
}
