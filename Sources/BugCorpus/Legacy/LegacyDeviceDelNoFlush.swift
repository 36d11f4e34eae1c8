import DriverCore
import Instrumentation

/// The driver core before `699fb50d9903` (drivers/base/core.c, CVE-2023-53596): `device_del()` did not
/// release the devres of a device that never had a driver; that happened only in
/// `device_release()`, which a devm action holding a device reference kept from ever running.
/// The legacy variant emulates the old `device_unregister` (drop the caller's reference without
/// the devres flush of `device_del`); `legacy: false` is today's core.
enum DeviceDelNoFlush {
    static func run(legacy: Bool, kernel: Kernel) throws {
        let device = Device(kernel: kernel, name: "drm-test-dev") { _ in }
        try kernel.register(device)
        try device.get()  // what the devm action will drop (DRM's devm_drm_dev_alloc pattern)
        try device.devres.addAction(ActionKey("put_device", data: device)) { try? device.put() }
        if legacy {
            try device.put()  // the old device_unregister: no devres flush for a driverless device
        } else {
            try kernel.unregister(device)
        }
    }
}
