import DriverCore
import Foundation
import Instrumentation
import Sanitizer
import SimHardware

/// rcutorture for the driver model (issue 8): reader threads call into every subsystem's
/// files and into the torture device's data while writer threads unbind and rebind the
/// controllers; the sanitizer watches. No scheduler: the races are real.
///
/// A failure is: a sanitizer finding (a call that reached freed driver memory, a reference
/// misused…); an access that observed a driver-data generation whose revoke had completed
/// (the pipe histogram beyond bucket 0, `GenerationLedger`); an errno other than the ones a
/// vanished device may give; a thread that does not come back; and, at the end, once the
/// board is torn down, anything leaked or a count that reached zero without its release
/// (already suspected at the stat lines, when it stays so for two intervals).
///
/// With a negative control (``TortureOptions/broken``) the run stops at the first stat line
/// that shows a failure; otherwise it runs for the whole duration.
public enum Torture {
    public static func run(_ options: TortureOptions, stat: @escaping @Sendable (String) -> Void = { _ in }) -> TortureReport {
        var report = TortureReport()
        report.stallThreshold = options.stallThreshold
        guard options.seconds > 0, options.readers >= 0, options.writers >= 0, options.statInterval > 0,
              options.stutterMicroseconds >= 0 else {
            report.failures.append("options: duration and stat interval must be positive, counts and stutter not negative")
            report.failureKinds = ["options"]
            return report
        }
        let board: TortureBoard
        let sanitizer: Sanitizer
        do {
            let sim = try SimBoard()
            // Before anything is created, so every reference is seen from its start.
            sanitizer = Sanitizer(attachingTo: sim.kernel, quarantineLimit: options.quarantine)
            board = try TortureBoard(sim, broken: options.broken)
        } catch {
            report.failures.append("board: \(error)")
            report.failureKinds = ["board"]
            return report
        }
        let kernel = board.sim.kernel
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        let latencies = Locked<[UInt64]>([])
        let writerRounds = Locked((overrides: 0, replugs: 0))
        // Unexpected outcomes: how many, and the first few (a broken design repeats them).
        let unexpected = Locked<(count: Int, first: [String])>((0, []))
        let group = DispatchGroup()
        let start = Date()

        for r in 0..<options.readers {
            group.enter()
            Thread {
                var rng = SplitMix64(seed: options.seed &+ UInt64(r) &* 7919)
                while !stop.withLock({ $0 }) {
                    let outcome = Reader.round(board, reader: r, rng: &rng)
                    outcomes.withLock { $0[outcome, default: 0] += 1 }
                    if !Reader.acceptable.contains(outcome) {
                        unexpected.withLock { u in
                            u.count += 1
                            if u.first.count < 3 { u.first.append("reader \(r): \(outcome)") }
                        }
                    }
                }
                group.leave()
            }.start()
        }
        for w in 0..<options.writers {
            group.enter()
            Thread {
                var rng = SplitMix64(seed: options.seed &+ 1_000_003 &* UInt64(w + 1))
                while !stop.withLock({ $0 }) {
                    let stutter = {
                        if options.stutterMicroseconds > 0 { usleep(UInt32(rng.next() % UInt64(options.stutterMicroseconds))) }
                    }
                    // One round in ten hot-unplugs the USB device and plugs it back.
                    if rng.next() % 10 == 0 {
                        if let usb = kernel.device(named: TortureBoard.usbDevice) { try? board.sim.usb.unplug(usb) }
                        stutter()
                        _ = try? board.sim.usb.plug(port: TortureBoard.usbPort, interfaces: TortureBoard.usbInterfaces)
                        writerRounds.withLock { $0.replugs += 1 }
                        continue
                    }
                    // As the readers do, with the cdev control on every other rebind is its device's.
                    let target = board.echo && rng.next() % 2 == 0 ? TortureBoard.echoTarget
                        : board.targets[Int(rng.next() % UInt64(board.targets.count))]
                    guard let device = kernel.device(named: target.device) else { continue }
                    // One in five rebinds goes through driver_override (set, rebind, clear).
                    let override = rng.next() % 5 == 0
                    if override { try? kernel.setDriverOverride(device, target.driver) }
                    let t0 = monotonicNanoseconds()
                    if (try? kernel.unbind(device)) != nil {
                        latencies.withLock { $0.append(monotonicNanoseconds() - t0) }
                    }
                    stutter()
                    try? kernel.bind(device, to: target.driver)
                    if override {
                        try? kernel.setDriverOverride(device, nil)
                        writerRounds.withLock { $0.overrides += 1 }
                    }
                }
                group.leave()
            }.start()
        }

        // Stat lines. A count at zero whose release has not run at three stat lines in a row
        // (two whole intervals) is overdue: a suspicion that stops a negative control early.
        // Only the end of the run confirms it (a release delayed by a starved thread is not a
        // bug), so overdue objects are failures only if still unreleased then.
        var nextStat = options.statInterval
        var pendingSince: [PendingRelease: Int] = [:]
        var overdue: Set<PendingRelease> = []
        while Date().timeIntervalSince(start) < options.seconds {
            Thread.sleep(forTimeInterval: min(0.05, options.statInterval / 2))
            let elapsed = Date().timeIntervalSince(start)
            guard elapsed >= nextStat else { continue }
            // The next line an interval from now: a main thread that fell behind (starved on
            // a busy machine) must not print a burst of lines a few ms apart.
            nextStat = elapsed + options.statInterval
            let now = Set(sanitizer.pendingReleases)
            pendingSince = Dictionary(uniqueKeysWithValues: now.map { ($0, (pendingSince[$0] ?? 0) + 1) })
            overdue.formUnion(pendingSince.filter { $0.value >= 3 }.keys)
            let ops = outcomes.withLock { $0.values.reduce(0, +) }
            let findings = sanitizer.findings.count
            let pipe = board.generation.ledger.pipe
            let bad = unexpected.withLock { $0.count }
            stat(String(format: "torture: t=%.0fs ops=%d unbinds=%d gens=%d pipe: %@ findings=%d overdue-releases=%d unexpected=%d",
                        elapsed, ops, latencies.withLock { $0.count }, Int(board.generation.ledger.generations),
                        pipe.description, findings, pendingSince.count { $0.value >= 3 }, bad))
            // A negative control may stop at its first catch.
            if !options.broken.isEmpty && (findings > 0 || pipe.failures > 0 || !overdue.isEmpty || bad > 0) { break }
        }
        stop.withLock { $0 = true }
        let hung = group.wait(timeout: .now() + 10) == .timedOut
        report.seconds = Date().timeIntervalSince(start)

        // Failures by kind, in the order found; the report keeps a few lines of each.
        var failures: [(kind: String, line: String)] = []
        if hung {
            failures.append(("hang", "a reader or writer did not return within 10 s of the stop (hang)"))
        } else {
            failures += board.tearDown().map { ("tear-down", $0) }
            report.leakCheck = true
        }
        report.outcomes = outcomes.withLock { $0 }
        report.operations = report.outcomes.values.reduce(0, +)
        report.generations = Int(board.generation.ledger.generations)
        report.pipe = board.generation.ledger.pipe
        let sorted = latencies.withLock { $0 }.sorted()
        report.unbinds = sorted.count
        (report.overrides, report.replugs) = writerRounds.withLock { ($0.overrides, $0.replugs) }
        if let last = sorted.last {
            report.unbindP50 = Double(sorted[sorted.count / 2]) / 1_000
            report.unbindP99 = Double(sorted[min(sorted.count - 1, sorted.count * 99 / 100)]) / 1_000
            report.unbindMax = Double(last) / 1_000
            report.stalls = sorted.count { Double($0) / 1_000 > report.stallThreshold }
        }

        if report.pipe.failures > 0 {
            failures.append(("generation", "generation: \(report.pipe.failures) access(es) observed driver data whose revoke "
                             + "had completed (pipe: \(report.pipe))"))
        }
        let (unexpectedCount, firstUnexpected) = unexpected.withLock { $0 }
        failures += firstUnexpected.map { ("unexpected-errno", $0) }
        // After the tear-down: the findings and the end-of-run leak check.
        let findings = report.leakCheck ? sanitizer.finish() : sanitizer.findings
        failures += findings.map { ($0.kind.rawValue, "\($0.kind.rawValue) in \(shortNames($0.objectName)): \($0.message)") }
        // After a hang the leak check did not run: overdue releases still pending now are
        // reported instead (with it, they are among its release-never-ran findings).
        if !report.leakCheck {
            let stillPending = overdue.intersection(sanitizer.pendingReleases)
            failures += stillPending.sorted { $0.object < $1.object }.map {
                (FindingKind.releaseNeverRan.rawValue,
                 "\(FindingKind.releaseNeverRan.rawValue) in \($0.name): count reached zero at \($0.finalPut.site) and the "
                 + "release has not run")
            }
        }
        report.failures = summarize(failures, unlisted: ["unexpected-errno": unexpectedCount - firstUnexpected.count])
        report.leaks = summarize(failures.filter { Self.leakKinds.contains($0.kind) })
        let kinds = Set(failures.map(\.kind))
        report.failureKinds = kinds.sorted()
        return report
    }

    /// What the tear-down and the end-of-run leak check report: their KTAP test fails on them.
    static let leakKinds: Set<String> = ["tear-down", FindingKind.leakedMemory.rawValue, FindingKind.leakedReference.rawValue,
                                         FindingKind.releaseNeverRan.rawValue, FindingKind.devresLeftOnDeletedDevice.rawValue]

    /// A grouped finding names every object ("a, b, c, …"): the first three, then a count.
    static func shortNames(_ names: String) -> String {
        let all = names.components(separatedBy: ", ")
        return all.count <= 3 ? names : all.prefix(3).joined(separator: ", ") + " and \(all.count - 3) more"
    }

    /// At most `perKind` lines of each kind (the first ones found), then one line counting
    /// the rest — those beyond `perKind` plus the `unlisted` ones, counted but not kept: a
    /// broken run repeats the same failure thousands of times.
    static func summarize(_ failures: [(kind: String, line: String)], unlisted: [String: Int] = [:],
                          perKind: Int = 3) -> [String] {
        var total = unlisted.filter { $0.value > 0 }
        var lines: [String] = []
        for f in failures {
            total[f.kind, default: 0] += 1
            if total[f.kind]! - (unlisted[f.kind] ?? 0) <= perKind { lines.append(f.line) }
        }
        for (kind, count) in total.sorted(by: { $0.key < $1.key }) {
            let shown = min(perKind, count - (unlisted[kind] ?? 0))
            if count > shown { lines.append("… and \(count - shown) more \(kind)") }
        }
        return lines
    }
}
