import DriverCore
import Instrumentation
import Sanitizer
import SimHardware

extension Corpus {
    /// A failed cdev_device_add left the device reference of every watchdog but the first.
    static let watchdogCdevAddError = BugEntry(
        id: "watchdog-cdev-add-error-leak", reference: "Chen Jun's fix, Fixes: 72139dfa2464",
        subsystem: "watchdog (watchdog_dev.c)", classes: ["P7"],
        story: """
        watchdog_cdev_register() initialises the core data's struct device (from then on only \
        put_device() may free it) and then calls cdev_device_add(). When that failed, the error path \
        put the device only for watchdog 0, inside the branch that also undoes /dev/watchdog; any other \
        watchdog returned with the reference held, leaking the device, its name and the core data. \
        Fix: put_device() on every path (ours: a failed CharDevice registration drops the device \
        through its put). Found by failing cdev_device_add (fail-nth) and the sanitizer's end-of-run \
        leak check.
        """,
        tool: "fault injection", expectedFinding: "leaked-reference",
        buggy: { timed { watchdogCdevAddRun(legacy: true) } },
        fixed: { timed { watchdogCdevAddRun(legacy: false) } })

    /// Registers watchdog 0 and watchdog 1, each with its cdev_device_add failing.
    static func watchdogCdevAddRun(legacy: Bool) -> (findings: [String], detail: String) {
        sanitized(checkingLeaks: true, detail: "cdev_device_add failed for watchdog0 and watchdog1") { kernel in
            for id in [0, 1] {
                kernel.faults.arm(failAt: 1, kinds: [.cdevRegistration])
                let failed = WatchdogCdevAddError.run(legacy: legacy, id: id, kernel: kernel)
                kernel.faults.disarm()
                guard failed else { throw CorpusSetupError("the cdev_device_add fault of watchdog\(id) was not injected") }
            }
        }
    }

    /// The probe's error path freed state that an armed timer still used.
    static let vub300ProbeFailure = BugEntry(
        id: "vub300-probe-error-path", reference: "vub300 probe-failure fix, 2026",
        subsystem: "MMC (vub300.c), USB", classes: ["P1"],
        story: """
        With its host state in devm memory, vub300's probe armed a command timer holding the host \
        and then could still fail; the failed probe's devres release freed the state while the timer \
        stayed armed, and when it fired it used freed memory. Fix: state owned by the host (freed at \
        its last put) and an ordered unwind that cancels the timer before dropping the host. Found by \
        a fail-nth sweep over the probe's injectable points, firing the timer after each failed probe.
        """,
        tool: "fault sweep", expectedFinding: "use-after-unbind",
        buggy: { timed { vub300ProbeSweep(legacy: true) } },
        fixed: { timed { vub300ProbeSweep(legacy: false) } })

    /// fail-nth over the probe: fail its 1st, 2nd, … point until a probe consumes no fault;
    /// after each failure fire the timer, unplug, and run the leak check.
    static func vub300ProbeSweep(legacy: Bool) -> (findings: [String], detail: String) {
        var kinds: Set<String> = []
        var failing: [String] = []
        var failAt = 1
        while failAt <= 64 {
            do {
                let board = try SimBoard()
                let sanitizer = Sanitizer(attachingTo: board.kernel)
                let driver = Vub300ProbeDriver(legacy: legacy)
                try board.kernel.registerDriver(USBGenericDriver(usb: board.usb), on: board.usb.bus)
                try board.kernel.registerDriver(driver, on: board.usb.bus)
                board.kernel.faults.arm(failAt: failAt, kinds: [.devresAlloc, .devresAction, .objectAction, .probeStep])
                let usb = try board.usb.plug(port: "4-1", interfaces: ["vub300"])
                guard let injected = board.kernel.faults.disarm().injected else {
                    // This probe consumed no fault: every point has been failed once.
                    return (kinds.sorted(), "\(failAt - 1) probe points failed in turn; "
                            + (failing.isEmpty ? "no finding after any" : failing.joined(separator: "; ")))
                }
                driver.fireTimer()
                try board.usb.unplug(usb)
                let found = Set(sanitizer.finish().map(\.kind.rawValue))
                kinds.formUnion(found)
                if !found.isEmpty { failing.append("fail '\(injected.name)': \(found.sorted().joined(separator: ", "))") }
            } catch {
                return (["setup"], "\(error)")
            }
            failAt += 1
        }
        return (["setup"], "the probe still consumed a fault after 64 points")
    }
}

/// A corpus run that could not set up what it needs (reported as the "setup" finding).
struct CorpusSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
