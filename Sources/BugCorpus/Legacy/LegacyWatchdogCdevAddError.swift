import DriverCore
import Instrumentation

/// `watchdog_cdev_register()` after `72139dfa2464` and before Chen Jun's leak fix (class
/// P7): the core data is allocated, `device_initialize()` sets up its struct device
/// (reference 1, release frees the core data), then `cdev_device_add()` fails. The error path
/// dropped that reference only for watchdog 0 (inside the branch that also undoes the
/// `/dev/watchdog` misc device); for any other watchdog it returned with the reference held,
/// so the device, its name and the core data leaked. The fix (`legacy: false`) puts the
/// device on every path: once `device_initialize()` ran, only `put_device()` may free.
///
/// The failure is injected (fail-nth on the `cdev_device_add` point, as the fault sweep does).
enum WatchdogCdevAddError {
    /// Registers watchdog `id` with its `cdev_device_add` failing (the fault injector must be
    /// armed by the caller). Returns true when the registration failed as intended.
    static func run(legacy: Bool, id: Int, kernel: Kernel) -> Bool {
        let name = "watchdog\(id)"
        let site = CallSite(fileID: #fileID, line: #line)
        // kzalloc(wd_data) + device_initialize(&wd_data->dev): from here only a put frees it.
        let coreData = ModelMemory("watchdog_core_data", name: "watchdog_core_data (\(name))", events: kernel.events)
        let device = Device(kernel: kernel, name: name) { _ in try? coreData.free() }
        guard kernel.faults.shouldFail(.cdevRegistration, name: "cdev_device_add(\(name))", device: name, site: site) else {
            // Not failed: nothing to show; undo as unregister would.
            try? device.put()
            return false
        }
        if id == 0 || !legacy {
            try? device.put()  // put_device(&wd_data->dev): the release frees wd_data
        }
        return true
    }
}
