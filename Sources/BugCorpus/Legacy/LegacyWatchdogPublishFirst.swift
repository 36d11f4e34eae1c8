import DriverCore
import Instrumentation

/// `watchdog_cdev_register()` before Krzysztof Sobota's fix (2020, Fixes: `72139dfa2464`;
/// drivers/watchdog/watchdog_dev.c, class P10): for watchdog 0 it registered the `/dev/watchdog` misc device first and
/// only then ran `device_initialize()` on the core data's struct device. systemd opens
/// `/dev/watchdog` the moment it appears; its `watchdog_open()` took a reference on a struct
/// device whose kobject was not initialised yet and crashed in `get_device()`. The fix
/// (`publishFirst: false`) initialises the device before anything can find it.
///
/// The struct device here is what `kzalloc` leaves before `device_initialize()`: a zeroed
/// counter with an identity, reporting its gets and its initialisation on the event stream
/// like a real ``Device`` does, so the sanitizer sees the order in which they happened.
final class LegacyWatchdogPublishFirst: Sendable {
    /// `wd_data->dev`, embedded in the zeroed core data.
    final class EmbeddedDevice: Sendable {
        let id = ObjectID.next()
        let name: String
        let count = Locked(0)
        init(name: String) { self.name = name }
    }

    let events: EventStream
    let publishFirst: Bool
    /// The misc device's lookup: what an `open("/dev/watchdog")` finds.
    private let node = Locked<EmbeddedDevice?>(nil)

    init(events: EventStream, publishFirst: Bool) {
        self.events = events
        self.publishFirst = publishFirst
    }

    /// `watchdog_cdev_register()` for watchdog 0: initialise and publish, in the variant's order.
    func register() {
        let dev = EmbeddedDevice(name: "watchdog0")
        let site = CallSite(fileID: #fileID, line: #line)
        let initialise = {
            dev.count.withLock { $0 = 1 }  // device_initialize: kref_init
            self.events.emit(.deviceInitialize, object: dev.id, name: dev.name, detail: "ref=1", site: site)
        }
        let publish = { self.node.withLock { $0 = dev } }  // misc_register(&watchdog_miscdev)
        if publishFirst {
            publish()
            Scheduling.point(.step("between misc_register and device_initialize"), site: site)
            initialise()
        } else {
            initialise()
            Scheduling.point(.step("between device_initialize and misc_register"), site: site)
            publish()
        }
    }

    /// `watchdog_open()`: finds the core data through the node and pins its device; false
    /// (ENOENT) before the node exists.
    func open() -> Bool {
        // The lookup reads what the registration writes: a point the explorer can place it at.
        Scheduling.point(.step("open /dev/watchdog"), site: CallSite(fileID: #fileID, line: #line))
        guard let dev = node.withLock({ $0 }) else { return false }
        let n = dev.count.withLock { c -> Int in c += 1; return c }  // get_device
        events.emit(.get, object: dev.id, name: dev.name, detail: "ref=\(n)", site: CallSite(fileID: #fileID, line: #line))
        return true
    }
}
