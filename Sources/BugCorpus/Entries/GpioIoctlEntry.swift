import CharDev
import DriverCore
import Instrumentation
import Sanitizer
import SimHardware

extension Corpus {
    /// §5 #3: the one entry point the check-then-use fix missed.
    static let gpioIoctlMissed = BugEntry(
        id: "gpio-ioctl-unprotected", reference: "1d656bd259ed", subsystem: "GPIO (gpiolib-cdev.c)", classes: ["P3"],
        story: """
        bdbbae241a04 closed gpiolib-cdev's check-then-use race by taking the GPIO device's semaphore \
        across every syscall's use of the chip, with removal taking it for writing — every syscall but \
        gpio_ioctl(), which still checked the chip pointer and then used it unprotected. 1d656bd259ed \
        wrapped it too. Here an unbind is forced into each call's window between check and use: read \
        makes the unbind wait, the old ioctl lets it free the chip under the call. Ours: the whole \
        operation is one fence access, for every entry point at once.
        """,
        tool: "sanitizer", expectedFinding: "use-after-unbind",
        buggy: { timed { gpioSemRun(protectIoctl: false) } },
        fixed: { timed { gpioSemRun(protectIoctl: true) } })

    /// For each entry point (read, then ioctl), on a fresh board: open, force an unbind into
    /// the call's window, and collect what the sanitizer saw.
    static func gpioSemRun(protectIoctl: Bool) -> (findings: [String], detail: String) {
        var kinds: Set<String> = []
        var lines: [String] = []
        for call in ["read", "ioctl"] {
            do {
                let board = try SimBoard()
                let sanitizer = Sanitizer(attachingTo: board.kernel)
                let driver = LegacyGpioSemDriver(namespace: board.dev, protectIoctl: protectIoctl)
                try board.kernel.registerDriver(driver, on: board.platform)
                let device = board.platformDevice("legacy-gpio-sem.0", compatible: ["legacy-gpio-sem"])
                try board.kernel.register(device)
                let file = try board.dev.open("/dev/legacy-gpiochip0")
                let kernel = board.kernel
                let outcome = UnbindInWindow.run(hook: driver.window, call: {
                    if call == "read" { _ = try? file.read(maxBytes: 1) } else { _ = try? file.ioctl(LegacyGpioSemDriver.GetValue()) }
                }, unbind: { try? kernel.unbind(device) })
                try? file.close()
                let found = sanitizer.findings.map(\.kind.rawValue)
                kinds.formUnion(found)
                lines.append("\(call): \(outcome.rawValue)" + (found.isEmpty ? "" : " (\(Set(found).sorted().joined(separator: ", ")))"))
            } catch {
                return (["setup"], "\(error)")
            }
        }
        return (kinds.sorted(), lines.joined(separator: "; "))
    }
}
