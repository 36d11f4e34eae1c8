import CharDev
import DriverCore
import ExplorerEngine
import Instrumentation
import Sanitizer
import SimHardware

extension Corpus {
    /// The one entry point the check-then-use fix missed.
    static let gpioIoctlMissed = BugEntry(
        id: "gpio-ioctl-unprotected", reference: "1d656bd259ed", subsystem: "GPIO (gpiolib-cdev.c)", classes: ["P3"],
        story: """
        bdbbae241a04 closed gpiolib-cdev's check-then-use race by taking the GPIO device's semaphore \
        across every syscall's use of the chip, with removal taking it for writing — every syscall but \
        gpio_ioctl(), which still checked the chip pointer and then used it unprotected. 1d656bd259ed \
        wrapped it too. Here an unbind is forced into each call's window between check and use: read \
        makes the unbind wait, the old ioctl lets it free the chip under the call. The explorer, left \
        to find the interleaving itself, needs one preemption (in the ioctl's window). Ours: the whole \
        operation is one fence access, for every entry point at once.
        """,
        tool: "sanitizer + explorer", expectedFinding: "use-after-unbind",
        buggy: { explored(timed { gpioSemRun(protectIoctl: false) }, protectIoctl: false) },
        fixed: { explored(timed { gpioSemRun(protectIoctl: true) }, protectIoctl: true) })

    /// The same race left to the explorer instead of forced: the ioctl and an unbind as two
    /// actors, a scheduling point in the call's window, the sanitizer judging each schedule.
    /// The verdict gains the explorer's findings and the preemptions its first failure needed.
    static func explored(_ forced: BugVerdict, protectIoctl: Bool) -> BugVerdict {
        let program = ExplorationProgram.custom(name: "gpio-ioctl-\(protectIoctl)", actors: ["caller", "admin"]) {
            do {
                let (kernel, sanitizer, driver, device, file) = try gpioSemBoard(protectIoctl: protectIoctl)
                driver.window.withLock { $0 = { Scheduling.point(.step("between the check and the use")) } }
                return CustomExecution(actors: [
                    { _ = try? file.ioctl(LegacyGpioSemDriver.GetValue()) },
                    { try? kernel.unbind(device) },
                ], check: {
                    try? file.close()
                    let kinds = Set(sanitizer.findings.map(\.kind.rawValue)).sorted()
                    return Verdict(failures: kinds, outcome: kinds.joined(separator: ","))
                })
            } catch {
                let message = "setup: \(error)"
                return CustomExecution(actors: [], check: { Verdict(failures: [message], outcome: "setup") })
            }
        }
        let e = explored(program)
        var verdict = BugVerdict(findings: Array(Set(forced.findings + e.findings)).sorted(),
                                 detail: forced.detail + "; " + e.detail, seconds: forced.seconds + e.seconds)
        verdict.preemptions = e.preemptions
        return verdict
    }

    /// A fresh board with the legacy chip bound, the sanitizer watching, and its node open.
    static func gpioSemBoard(protectIoctl: Bool) throws
        -> (Kernel, Sanitizer, LegacyGpioSemDriver, Device, OpenFile) {
        let (board, sanitizer, driver, device) = try legacyBoard { LegacyGpioSemDriver(namespace: $0.dev, protectIoctl: protectIoctl) }
        return (board.kernel, sanitizer, driver, device, try board.dev.open("/dev/legacy-gpiochip0"))
    }

    /// For each entry point (read, then ioctl), on a fresh board: open, force an unbind into
    /// the call's window, and collect what the sanitizer saw.
    static func gpioSemRun(protectIoctl: Bool) -> (findings: [String], detail: String) {
        var kinds: Set<String> = []
        var lines: [String] = []
        for call in ["read", "ioctl"] {
            do {
                let (kernel, sanitizer, driver, device, file) = try gpioSemBoard(protectIoctl: protectIoctl)
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
