import DriverCore
import Instrumentation

/// watchdog_dev.c before `72139dfa2464` (class P7): `watchdog_core_data` was owned by
/// its own kref *and* by the cdev's kobject, each of which freed it when it reached zero. With
/// `/dev/watchdog` open across unregister both frees happen. The fix (and `legacy: false`):
/// one refcount, the struct device's, whose release frees the container once.
enum WatchdogCoreData {
    static func run(legacy: Bool, kernel: Kernel) throws {
        let container = ModelMemory("watchdog_core_data", name: "watchdog_core_data", events: kernel.events)
        let device = Device(kernel: kernel, name: "watchdog0") { _ in try? container.free() }
        try kernel.add(device)
        let kref = Locked(1)                 // the second owner (legacy only)
        try device.get()                     // open("/dev/watchdog")
        if legacy {
            try kernel.delete(device)        // watchdog_unregister_device
            let last = kref.withLock { k -> Bool in k -= 1; return k == 0 }
            if last { try? container.free() }  // kref_put → kfree(wd_data)
            try? device.put()                 // the registration reference
        } else {
            try kernel.unregister(device)
        }
        try device.put()                     // close: the cdev's last reference → release
    }
}
