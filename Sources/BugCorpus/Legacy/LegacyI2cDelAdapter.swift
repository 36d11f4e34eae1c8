import CharDev
import DriverCore
import Foundation
import Instrumentation

/// `i2c_del_adapter()` as the kernel still has it (drivers/i2c/i2c-core-base.c, class P5): after unregistering the
/// adapter's device it waits for the device's release (`wait_for_completion(&adap->dev_released)`)
/// because the driver frees the adapter right after. An open `/dev/i2c-N` holds the device, so
/// the unbinding thread waits for user space. Teaching material only.
final class LegacyI2cDriver: DeviceDriver {
    let name = "legacy-i2c"
    let idTable = ["legacy-i2c"]
    let namespace: DevNamespace
    init(namespace: DevNamespace) { self.namespace = namespace }

    final class Ops: FileOperations {}

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let namespace = self.namespace
        try ProbeError.mapping {
            let cdev = try CharDevice.register(name: "legacy-i2c-0", parent: device.device, namespace: namespace,
                                               operations: Ops())
            try device.devres.addActionOrReset(ActionKey("i2c_del_adapter", data: cdev)) {
                cdev.unregister()
                // wait_for_completion(&adap->dev_released): until the last close.
                while !cdev.isReleased { usleep(1_000) }
            }
        }
    }
}
