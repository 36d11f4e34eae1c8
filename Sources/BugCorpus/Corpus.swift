import CharDev
import DriverCore
import ExplorerEngine
import Foundation
import Instrumentation
import Sanitizer
import SimHardware
import Subsystems
import Torture

/// The corpus: entries written so far, and the kernel fixes not written yet (with why); Docs/bug-classes.md lists both.
public enum Corpus {
    public static let entries: [BugEntry] = [gpioUnchecked, checkThenUse, gpioIoctlMissed, gpioConsumerSRCU, i2cDelAdapter,
                                             ch341WrongDevice,
                                             vub300DevmHost, vub300ProbeFailure, watchdogTwoRefcounts,
                                             watchdogCdevAddError, devresNotFlushedAtDel, hidRebindReinit,
                                             uioInfoAfterUnregister, cdevParentNotPinned, mediaDevnodeInDevres,
                                             watchdogPublishFirst, watchdogDriverOwned,
                                             debugfsPrivateData, debugfsDeadFops, moduleFopsWithoutOwner, imsPcuResetRace]

    /// Kernel fixes (Docs/bug-classes.md) without an entry yet, and what is missing to write them.
    public static let pending: [(id: String, why: String)] = [
        ("CVE-2026-31723", "f_subset net_device outliving its parent (P8): the model has no net_device"),
        ("cd00ed5187bf", "vc4 HDMI without drm_dev_enter (P2/P4): the model has no DRM device"),
        ("8ee3fde047 revert", "serdev registration at tty-port destruction (P10/P16): the model has no tty layer"),
        ("a525a3ddeaca", "devres freed in device_release (infra, the other half of 699fb50d9903): covered by the real core's tests"),
    ]

    static func gpioFindings(_ sanitizer: Sanitizer) -> [String] { sanitizer.findings.map(\.kind.rawValue) }

    /// Every schedule of `program` with ≤ 2 preemptions, up to the first failure: its reasons
    /// are the findings, and the preemptions it needed (the fewest any failure needs).
    static func explored(_ program: ExplorationProgram) -> BugVerdict {
        var explorer = Explorer(program: program)
        explorer.stopAtFirstFailure = true
        let r = explorer.explore(strategy: .preemptionBounded(maxPreemptions: 2))
        let first = r.failures.first
        var verdict = BugVerdict(findings: first?.reasons ?? [],
                                 detail: "explorer: \(r.executions) schedules"
                                     + (first.map { ", first failure after \($0.preemptions) preemption(s), replay \($0.replay)" }
                                         ?? ", none fails (outcomes: \(r.outcomes.keys.sorted().joined(separator: "; ")))"),
                                 seconds: r.seconds)
        verdict.preemptions = first?.preemptions
        return verdict
    }

    /// A fresh board with the sanitizer attached and a legacy `driver` bound to a platform
    /// device of its own: `<name>.0`, matched by the driver's name (each legacy driver's id).
    static func legacyBoard<D: DeviceDriver>(_ driver: (SimBoard) -> D) throws
        -> (board: SimBoard, sanitizer: Sanitizer, driver: D, device: Device) {
        let board = try SimBoard()
        let sanitizer = Sanitizer(attachingTo: board.kernel)
        let d = driver(board)
        try board.kernel.registerDriver(d, on: board.platform)
        let device = board.platformDevice("\(d.name).0", compatible: [d.name])
        try board.kernel.register(device)
        return (board, sanitizer, d, device)
    }

    /// Every cdev syscall dereferenced the chip after unbind.
    static let gpioUnchecked = BugEntry(
        id: "gpio-cdev-null-deref", reference: "533aae7c94db", subsystem: "GPIO (gpiolib-cdev.c)", classes: ["P2", "P4"],
        story: """
        A program requested lines and kept the file open; the GPIO controller was unbound; the next \
        ioctl went through gdev->chip, which the unbind had freed (a NULL dereference in the kernel, \
        a read of freed devres memory here). Fix: check the chip in every syscall (533aae7c94db), then \
        under an rwsem (bdbbae241a04), then SRCU (v6.9); ours: every file operation inside a Revocable fence.
        """,
        tool: "sanitizer", expectedFinding: "use-after-unbind",
        buggy: {
            timed {
                do {
                    let (board, sanitizer, _, device) = try legacyBoard { LegacyGpioUncheckedDriver(namespace: $0.dev) }
                    let file = try board.dev.open("/dev/legacy-gpiochip0")
                    try board.kernel.unbind(device)
                    let result = (try? file.ioctl(LegacyGpioUncheckedDriver.GetValue())).map { "\($0)" } ?? "an error"
                    try? file.close()
                    return (gpioFindings(sanitizer), "ioctl after unbind returned \(result)")
                } catch {
                    return (["setup"], "\(error)")
                }
            }
        },
        fixed: {
            timed {
                do {
                    let board = try SimBoard()
                    let sanitizer = Sanitizer(attachingTo: board.kernel)
                    try board.populate()
                    let chip = try board.dev.open("/dev/gpiochip0")
                    let req = try chip.ioctl(GpioGetLineRequest(offsets: [0], consumer: "corpus"))
                    guard let controller = board.kernel.device(named: "gpio-sim.0") else { return (["setup"], "no gpio-sim.0") }
                    try board.kernel.unbind(controller)
                    var errno = "OK"
                    do throws(FileError) { _ = try req.ioctl(GpioLineGetValues()) } catch { errno = error.errno.name }
                    try? req.close()
                    try? chip.close()
                    return (gpioFindings(sanitizer), "ioctl after unbind returned \(errno)")
                } catch {
                    return (["setup"], "\(error)")
                }
            }
        })

    /// The check and the use were separate steps.
    static let checkThenUse = BugEntry(
        id: "check-then-use", reference: "bdbbae241a04, a720416d9463", subsystem: "GPIO cdev, spidev", classes: ["P3"],
        story: """
        The file operation checked "still registered" under a lock, dropped the lock and then used \
        the driver; an unbind in between freed what it used. Fix: hold the protection across the whole \
        use (rwsem, mutex, SRCU); ours: the whole operation is one fence access. Found by torture: \
        readers race unbind/rebind on real threads.
        """,
        tool: "torture", expectedFinding: "use-after-unbind",
        buggy: {
            timed {
                var options = TortureOptions()
                options.seconds = 5
                options.statInterval = 0.25
                options.broken = [.cdev]
                let report = Torture.run(options)
                return (report.failureKinds, "\(report.operations) rounds, \(report.unbinds) unbinds")
            }
        },
        fixed: {
            timed {
                var options = TortureOptions()
                options.seconds = 1
                let report = Torture.run(options)
                let first = report.failures.first.map { "; first failure: \($0)" } ?? ""
                return (report.failureKinds, "\(report.operations) rounds, \(report.unbinds) unbinds\(first)")
            }
        })

    /// Unbind waits for user space to close /dev/i2c-N.
    static let i2cDelAdapter = BugEntry(
        id: "i2c-del-adapter-waits", reference: "i2c-core-base.c (unfixed upstream)", subsystem: "I2C", classes: ["P5"],
        story: """
        i2c_del_adapter() waits for the adapter device's release because drivers free the adapter \
        right after it; an open /dev/i2c-N holds that device, so unbinding the controller hangs until \
        user space closes. Ours: the subsystem owns the object, unregister revokes and returns; the \
        last close releases. Found by a watchdog on the unbind.
        """,
        tool: "watchdog", expectedFinding: "hang",
        buggy: { timed { unbindWithFileOpen(legacy: true) } },
        fixed: { timed { unbindWithFileOpen(legacy: false) } })

    /// Devres on the USB device instead of the interface being bound.
    static let ch341WrongDevice = BugEntry(
        id: "ch341-devres-wrong-device", reference: "abe572f630bc", subsystem: "SPI (spi-ch341.c), USB", classes: ["P12"],
        story: """
        The CH341 interface driver registered its devres on the USB device, the interface's parent, \
        so unbinding the interface (or a probe deferral) left the resources behind until the whole \
        device went away. Fix: devres on the interface being bound. The core flags any devres added to \
        a device other than the one being probed.
        """,
        tool: "sanitizer", expectedFinding: "devres-wrong-device",
        buggy: { timed { usbInterfaceRun(Ch341Driver(onParent: true), interface: "ch341") } },
        fixed: { timed { usbInterfaceRun(Ch341Driver(onParent: false), interface: "ch341") } })

    /// Devm memory behind a refcounted host still used by a URB completion.
    static let vub300DevmHost = BugEntry(
        id: "vub300-devm-host", reference: "8f4d20a71022", subsystem: "MMC (vub300.c), USB", classes: ["P1", "P14"],
        story: """
        vub300's host state was converted to devm allocation while the MMC host stayed refcounted and \
        URB completions and timers kept it; on disconnect devres freed the state and a late completion \
        used it. Fix: back to mmc_alloc_host, state freed from the host's release. Here the state moves \
        to the host's object-lifetime resources (freed at its last put).
        """,
        tool: "sanitizer", expectedFinding: "use-after-unbind",
        buggy: { timed { vub300Run(legacy: true) } },
        fixed: { timed { vub300Run(legacy: false) } })

    /// Two refcounts owning one allocation.
    static let watchdogTwoRefcounts = BugEntry(
        id: "watchdog-two-refcounts", reference: "72139dfa2464", subsystem: "watchdog (watchdog_dev.c)", classes: ["P7"],
        story: """
        watchdog_core_data had its own kref and was also pinned by the cdev's kobject; unregistering \
        with /dev/watchdog open dropped the kref to zero and freed it, and the last close freed it \
        again through the cdev. Fix: embed a struct device and use cdev_device_add, so exactly one \
        refcount owns the allocation and its release frees it.
        """,
        tool: "sanitizer", expectedFinding: "double-free",
        buggy: { timed { watchdogRun(legacy: true) } },
        fixed: { timed { watchdogRun(legacy: false) } })

    /// Devres of a driverless device never released.
    static let devresNotFlushedAtDel = BugEntry(
        id: "devres-not-flushed-at-del", reference: "699fb50d9903 (CVE-2023-53596)", subsystem: "driver core (core.c)",
        classes: ["P12", "leak"],
        story: """
        Devres on a device that never had a driver was released only by device_release(); a devm \
        action that itself held a reference on the device (DRM's pattern) kept that release from \
        ever running, so the device and its resources leaked. Fix: device_del() releases devres too. \
        Found by the sanitizer's end-of-run leak check.
        """,
        tool: "sanitizer", expectedFinding: "leaked-reference",
        buggy: { timed { leakRun(legacy: true) } },
        fixed: { timed { leakRun(legacy: false) } })

    /// A rebind re-initialises an object an open file still holds.
    static let hidRebindReinit = BugEntry(
        id: "f_hid-rebind-cdev-init", reference: "CVE-2026-31606", subsystem: "USB gadget (f_hid.c)", classes: ["P11"],
        story: """
        The f_hid function object survived unbind/rebind and bind() ran cdev_init on its cdev while a \
        /dev/hidgN opened in the previous binding still held it. Resetting the count let that old \
        file's close drop the new binding's reference; the object was freed under the new file. Fix: \
        cdev_alloc per bind; ours: a fresh object per binding, so old files keep the old one.
        """,
        tool: "sanitizer", expectedFinding: "use-after-free",
        buggy: { timed { hidRun(legacy: true) } },
        fixed: { timed { hidRun(legacy: false) } })

    /// Runs `body` on a fresh kernel watched by the sanitizer; the findings' kinds (with the
    /// end-of-run leak check when `checkingLeaks`), or "setup" when the body threw.
    static func sanitized(checkingLeaks: Bool = false, detail: String,
                          _ body: (Kernel) throws -> Void) -> (findings: [String], detail: String) {
        let kernel = Kernel()
        let sanitizer = Sanitizer(attachingTo: kernel)
        do {
            try body(kernel)
        } catch {
            return (["setup"], "\(error)")
        }
        let findings = checkingLeaks ? sanitizer.finish() : sanitizer.findings
        return (Array(Set(findings.map(\.kind.rawValue))).sorted(), detail)
    }

    static func hidRun(legacy: Bool) -> (findings: [String], detail: String) {
        sanitized(detail: "old file closed after the rebind, then the new file wrote") { kernel in
            HidRebind.run(legacy: legacy, events: kernel.events)
        }
    }

    static func leakRun(legacy: Bool) -> (findings: [String], detail: String) {
        sanitized(checkingLeaks: true, detail: "device_unregister with a devm action holding a reference") { kernel in
            try DeviceDelNoFlush.run(legacy: legacy, kernel: kernel)
        }
    }

    static func watchdogRun(legacy: Bool) -> (findings: [String], detail: String) {
        sanitized(detail: "open across unregister, then close") { kernel in
            try WatchdogCoreData.run(legacy: legacy, kernel: kernel)
        }
    }

    static func usbInterfaceRun(_ driver: some DeviceDriver, interface cls: String) -> (findings: [String], detail: String) {
        do {
            let board = try SimBoard()
            let sanitizer = Sanitizer(attachingTo: board.kernel)
            try board.kernel.registerDriver(USBGenericDriver(usb: board.usb), on: board.usb.bus)
            try board.kernel.registerDriver(driver, on: board.usb.bus)
            let usb = try board.usb.plug(port: "3-1", interfaces: [cls])
            guard let iface = board.kernel.device(named: "3-1:1.0") else { return (["setup"], "no interface") }
            try board.kernel.unbind(iface)
            let left = usb.devres.entries.map(\.name)
            try board.usb.unplug(usb)
            return (sanitizer.findings.map(\.kind.rawValue), left.isEmpty ? "nothing left on the USB device after the interface unbound"
                                                                     : "left on the USB device after the interface unbound: \(left)")
        } catch {
            return (["setup"], "\(error)")
        }
    }

    static func vub300Run(legacy: Bool) -> (findings: [String], detail: String) {
        do {
            let board = try SimBoard()
            let sanitizer = Sanitizer(attachingTo: board.kernel)
            let driver = Vub300Driver(legacy: legacy)
            try board.kernel.registerDriver(USBGenericDriver(usb: board.usb), on: board.usb.bus)
            try board.kernel.registerDriver(driver, on: board.usb.bus)
            let usb = try board.usb.plug(port: "4-1", interfaces: ["vub300"])
            try board.usb.unplug(usb)   // disconnect while the URB is in flight
            driver.completeURB()        // ...and then it completes
            return (sanitizer.findings.map(\.kind.rawValue), "URB completed after disconnect")
        } catch {
            return (["setup"], "\(error)")
        }
    }

    static func unbindWithFileOpen(legacy: Bool) -> (findings: [String], detail: String) {
        do {
            let board = try SimBoard()
            let device: Device
            let node: String
            if legacy {
                try board.kernel.registerDriver(LegacyI2cDriver(namespace: board.dev), on: board.platform)
                device = board.platformDevice("legacy-i2c.0", compatible: ["legacy-i2c"])
                try board.kernel.register(device)
                node = "/dev/legacy-i2c-0"
            } else {
                try board.populate()
                guard let d = board.kernel.device(named: "i2c-sim.0") else { return (["setup"], "no i2c-sim.0") }
                device = d
                node = "/dev/i2c-0"
            }
            let file = try board.dev.open(node)
            let done = DispatchSemaphore(value: 0)
            Thread { try? board.kernel.unbind(device); done.signal() }.start()
            let returned = done.wait(timeout: .now() + .milliseconds(500)) == .success
            try? file.close()  // what lets the legacy unbind finish
            if !returned { done.wait() }
            return (returned ? [] : ["hang"], returned ? "unbind returned with \(node) open"
                                                      : "unbind still waiting after 500 ms for \(node) to be closed")
        } catch {
            return (["setup"], "\(error)")
        }
    }
}
