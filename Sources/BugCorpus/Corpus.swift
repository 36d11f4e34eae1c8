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
    /// The entries written in Swift: what the driver-description language cannot state yet
    /// (a fault in a probe's error path, devres on another device, timers, a USB interface,
    /// the core's own internals). The rest are files under `Scenarios/bugs/` (``CorpusFiles``).
    public static let entries: [BugEntry] = [gpioIoctlMissed, vub300DevmHost, vub300ProbeFailure,
                                             watchdogCdevAddError, devresNotFlushedAtDel,
                                             debugfsPrivateData, debugfsDeadFops, imsPcuResetRace]

    /// Kernel fixes (Docs/bug-classes.md) without an entry yet, and what is missing to write them.
    public static let pending: [(id: String, why: String)] = [
        ("a525a3ddeaca", "devres freed in device_release (infra, the other half of 699fb50d9903): covered by the real core's tests"),
    ]

    /// Why each Swift entry is not a file of `Scenarios/bugs/` yet: what the driver-description
    /// language lacks (`devmodel bugs show` prints it).
    public static let whyNotAFile: [String: String] = [
        "gpio-ioctl-unprotected": "its proof counts which entry point lets an unbind into the window (UnbindInWindow); a scenario has no such instrument",
        "vub300-devm-host": "a timer that outlives its data (P14): the language has no timers, interrupts or work items",
        "vub300-probe-error-path": "a fail-nth sweep over a probe that arms a timer: the language has no timers",
        "watchdog-cdev-add-error-leak": "a leak on an error path: scenario findings do not count leaks (the board stays registered)",
        "devres-not-flushed-at-del": "the driver core's own device_del (infrastructure), not a driver's design",
        "debugfs-private-data-after-remove": "debugfs files: the language has no debugfs_create_file yet",
        "debugfs-dead-fops-at-open": "debugfs files: the language has no debugfs_create_file yet",
        "ims-pcu-reset-device-race": "a data race on a shared command buffer: the language reports lifetime findings, not races on data",
    ]

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

    static func leakRun(legacy: Bool) -> (findings: [String], detail: String) {
        sanitized(checkingLeaks: true, detail: "device_unregister with a devm action holding a reference") { kernel in
            try DeviceDelNoFlush.run(legacy: legacy, kernel: kernel)
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
}
