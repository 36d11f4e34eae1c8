import DriverCore
import ExplorerEngine
import Instrumentation
import Sanitizer

extension Corpus {
    /// The node published before the object behind it was initialised.
    static let watchdogPublishFirst = BugEntry(
        id: "watchdog-publish-before-init", reference: "Krzysztof Sobota's fix, Fixes: 72139dfa2464",
        subsystem: "watchdog (watchdog_dev.c)", classes: ["P10"],
        story: """
        After 72139dfa2464 gave the watchdog core data a struct device, watchdog_cdev_register() \
        still registered the /dev/watchdog misc device for watchdog 0 before it initialised that \
        device. systemd opens /dev/watchdog as soon as it appears; an open landing between the two \
        took a reference on an uninitialised kobject and crashed in get_device(). The fix moves \
        device_initialize() before the registration (class P10: initialise fully, then publish). \
        Here the registration and an open are two actors; the explorer needs no preemption (the \
        open simply runs once the node appeared, before the registration goes on) and the sanitizer \
        names it: a get sequenced before the object's initialisation. Ours: CharDevice.prepare initialises everything, publish \
        comes last.
        """,
        tool: "sanitizer + explorer", expectedFinding: FindingKind.useBeforeInit.rawValue,
        buggy: { watchdogPublishExplored(publishFirst: true) },
        fixed: { watchdogPublishExplored(publishFirst: false) })

    /// The registration and an `open("/dev/watchdog")` racing, every schedule with ≤ 2
    /// preemptions, the sanitizer judging each.
    static func watchdogPublishExplored(publishFirst: Bool) -> BugVerdict {
        let program = ExplorationProgram.custom(name: "watchdog-publish-\(publishFirst)", actors: ["watchdogd", "systemd"]) {
            let kernel = Kernel()
            let sanitizer = Sanitizer(attachingTo: kernel)
            let core = LegacyWatchdogPublishFirst(events: kernel.events, publishFirst: publishFirst)
            let opened = Locked(false)
            return CustomExecution(actors: [
                { core.register() },
                { let ok = core.open(); opened.withLock { $0 = ok } },
            ], check: {
                let kinds = Set(sanitizer.findings.map(\.kind.rawValue)).sorted()
                let outcome = (opened.withLock { $0 } ? "open OK" : "open ENOENT") + (kinds.isEmpty ? "" : ": " + kinds.joined(separator: ","))
                return Verdict(failures: kinds, outcome: outcome)
            })
        }
        return explored(program)
    }
}
