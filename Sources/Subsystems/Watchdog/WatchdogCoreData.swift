import CharDev
import DriverCore
import Instrumentation

/// The watchdog core's own object behind `/dev/watchdogN` (`struct watchdog_core_data` in
/// drivers/watchdog/watchdog_dev.c): object lifetime, the container of the node's
/// `CharDevice`.
///
/// Exactly one refcount owns it — the `CharDevice`'s device — and its release runs once,
/// after unregistration and the last close (class P7 of Docs/bug-classes.md; the kernel's two-refcount bug, kref plus
/// cdev kobject, was fixed by `72139dfa2464`). It holds only core state (who has it open, the
/// magic-close and keep-alive bits); the driver's `watchdog_device` is bound scope and is
/// reached only through the node's fence.
public final class WatchdogCoreData: Sendable {
    /// The watchdog number (`watchdogN`).
    public let id: Int
    let status = Locked(Status())
    private let releases = Locked<Int>(0)
    /// Set once, before the node is published.
    private let slots = Locked<(cdev: CharDevice?, legacy: CharDevice?)>((nil, nil))
    /// The driver side (`wd_data->wdd`): what unregistration stops, if configured.
    private let driverSide = Locked<WatchdogCdevOps?>(nil)

    struct Status {
        /// _WDOG_DEV_OPEN: the device is single-open.
        var open = false
        /// _WDOG_ALLOW_RELEASE: a 'V' was written, close may stop the watchdog.
        var allowRelease = false
        /// _WDOG_KEEPALIVE: a keep-alive arrived since the last WDIOC_GETSTATUS.
        var keepalive = false
    }

    init(id: Int) { self.id = id }

    public var name: String { "watchdog\(id)" }

    /// The `/dev/watchdogN` character device. Nil only between allocation and wiring, a
    /// window in which the node is not yet published.
    public var cdev: CharDevice? { slots.withLock { $0.cdev } }
    /// The legacy `/dev/watchdog` node (first watchdog only).
    public var legacyCdev: CharDevice? { slots.withLock { $0.legacy } }

    /// True while a file has the watchdog open (single opener).
    public var isOpen: Bool { status.withLock { $0.open } }
    /// True once a 'V' was written and not consumed by a close.
    public var magicCloseArmed: Bool { status.withLock { $0.allowRelease } }
    /// How often the object was released: 0 while referenced, then exactly 1.
    public var releaseCount: Int { releases.withLock { $0 } }

    func attach(cdev: CharDevice) { slots.withLock { $0.cdev = cdev } }
    func attach(legacy: CharDevice) { slots.withLock { $0.legacy = legacy } }
    func attach(fops: WatchdogCdevOps) { driverSide.withLock { $0 = fops } }
    var fops: WatchdogCdevOps? { driverSide.withLock { $0 } }
    func released() { releases.withLock { $0 += 1 } }
}

/// The driver-side `struct watchdog_device` fields the core keeps for a registered watchdog:
/// bound scope, allocated in the provider's devres (freed when its unbind finishes).
struct WatchdogDeviceState: Sendable {
    var timeout: Int
    let minTimeout: Int
    let maxTimeout: Int
    let nowayout: Bool
    let stopOnUnregister: Bool
    /// WDOG_ACTIVE: user space started it (or it was left running after a close).
    var active = false
}
