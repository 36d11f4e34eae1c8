import CharDev
import DriverCore
import Instrumentation
import Sanitizer
import SimHardware

extension Corpus {
    /// A legacy driver (id table entry = its name) bound on a fresh board: its node opened,
    /// `before` on the file, an unbind, `call` on the old file, close, unregister. Returns the
    /// sanitizer's findings (leaks included) and what the call returned.
    static func openUnbindCall<D: DeviceDriver>(_ driver: (DevNamespace) -> D, node: String, what: String,
                               before: (OpenFile) throws -> Void = { _ in },
                               call: (OpenFile) throws(FileError) -> Void) -> (findings: [String], detail: String) {
        do {
            let (board, sanitizer, _, device) = try legacyBoard { driver($0.dev) }
            let file = try board.dev.open(node)
            try before(file)
            try board.kernel.unbind(device)
            var result = "OK"
            do throws(FileError) { try call(file) } catch { result = error.errno.name }
            try? file.close()
            try board.kernel.unregister(device)
            return (Array(Set(sanitizer.finish().map(\.kind.rawValue))).sorted(), "\(what) after unbind returned \(result)")
        } catch {
            return (["setup"], "\(error)")
        }
    }

    /// A driver-owned, dynamically allocated watchdog_device under an open file.
    static let watchdogDriverOwned = BugEntry(
        id: "watchdog-driver-owned-device", reference: "e907df327252", subsystem: "watchdog (watchdog_dev.c)",
        classes: ["P1", "P4"],
        story: """
        Before e907df327252 the watchdog core's file operations called straight into the driver's \
        struct watchdog_device, which drivers that allocate it dynamically kept in memory freed at \
        unbind; a daemon holding /dev/watchdogN open across an unbind pinged freed memory. The 2012 \
        fix gave drivers ref/unref callbacks (the device lives until the last close) and made the \
        core mark the device unregistered under its lock and refuse every later operation; Guenter \
        Roeck's 2015 rework replaced both with state the core owns. Ours: the core's object is the \
        CharDevice, the driver's side sits behind its fence (watchdog-open-unbind-ioctl.yaml).
        """,
        tool: "sanitizer", expectedFinding: "use-after-unbind",
        buggy: { timed { watchdogDriverOwnedRun(fixed: false) } },
        fixed: { timed { watchdogDriverOwnedRun(fixed: true) } })

    /// A daemon opens the node and pings, the driver unbinds, the daemon pings and closes.
    static func watchdogDriverOwnedRun(fixed: Bool) -> (findings: [String], detail: String) {
        let ping = { (file: OpenFile) throws(FileError) in _ = try file.ioctl(LegacyWatchdogDriverOwned.Keepalive()) }
        return openUnbindCall({ LegacyWatchdogDriverOwned(namespace: $0, fixed: fixed) }, node: "/dev/watchdog0", what: "ping",
                              before: { try ping($0) }, call: ping)
    }

    /// A cdev that does not pin its parent.
    static let cdevParentNotPinned = BugEntry(
        id: "cdev-parent-not-pinned", reference: "ba0ef85, 0d5b7da, 4a215aa, 2f0157f", subsystem: "TPM, IIO, input, char_dev.c",
        classes: ["P7"],
        story: """
        tpm_chip embedded its cdev and was freed by its struct device's release, but the cdev held no \
        reference on that device: with /dev/tpm0 open, unregistering the chip dropped the last device \
        reference, the chip went with the cdev inside it, and the program's close ran cdev_put on freed \
        memory (iio and input had the same bug). ba0ef85 made the chip's device the cdev kobject's \
        parent; 2f0157f made every cdev pin its parent, so the container outlives every open file.
        """,
        tool: "sanitizer", expectedFinding: "use-after-free",
        buggy: { timed { sanitized(checkingLeaks: true, detail: "open, unregister the chip, close") { try TpmCdevParent.run(pinParent: false, kernel: $0) } } },
        fixed: { timed { sanitized(checkingLeaks: true, detail: "open, unregister the chip, close") { try TpmCdevParent.run(pinParent: true, kernel: $0) } } })

}
