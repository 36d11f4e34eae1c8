import CharDev
import DriverCore
import Foundation
import Instrumentation
import Sanitizer
import SimHardware
import Subsystems

/// What to torture, for how long.
public struct TortureOptions: Sendable {
    public var seconds: Double = 5
    /// Reader threads (user-space programs looping open → calls → close).
    public var readers: Int = 3
    /// Writer threads (unbinding and rebinding controllers).
    public var writers: Int = 1
    public var seed: UInt64 = 1
    /// Between a writer's unbind and rebind, sleep a random 0…stutter microseconds (stutter).
    public var stutterMicroseconds: Int = 200
    /// Add the negative control: a character device without revocation (must fail).
    public var brokenCdev = false
    /// Seconds between stat lines.
    public var statInterval: Double = 1
    public init() {}
}

/// The outcome: counts, revoke (unbind) latency percentiles, failures, and the verdict.
public struct TortureReport: Sendable, Codable {
    public var seconds: Double = 0
    public var operations: Int = 0
    /// Outcomes of reader calls by errno name ("OK", "ENODEV", …).
    public var outcomes: [String: Int] = [:]
    public var unbinds: Int = 0
    /// Unbind latency, microseconds: p50, p99, max.
    public var unbindP50: Double = 0
    public var unbindP99: Double = 0
    public var unbindMax: Double = 0
    /// Latencies above this are reported as stalls (µs).
    public var stallThreshold: Double = 100_000
    public var stalls: Int = 0
    public var failures: [String] = []
    public var success: Bool { failures.isEmpty }
}

/// rcutorture for the driver model (issue 8): readers on real threads call into every
/// subsystem's files while writers unbind and rebind the controllers; the sanitizer watches.
/// A failure is any sanitizer finding (a call that reached freed driver memory is a
/// use-after-free/unbind), an errno other than the ones a vanished device may give, or a
/// thread that does not come back. No scheduler: the races are real.
public enum Torture {
    /// Controllers the writers unbind, with the driver to rebind.
    static let controllers = [("gpio-sim.0", "gpio-sim"), ("i2c-sim.0", "i2c-sim"), ("spi-sim.0", "spi-sim")]

    public static func run(_ options: TortureOptions, stat: @escaping @Sendable (String) -> Void = { _ in }) -> TortureReport {
        var report = TortureReport()
        let board: SimBoard
        let sanitizer: Sanitizer
        do {
            board = try SimBoard()
            // Before anything is created, so every reference is seen from its start.
            sanitizer = Sanitizer(attachingTo: board.kernel)
            if options.brokenCdev {
                try board.kernel.registerDriver(LegacyEchoDriver(namespace: board.dev), on: board.platform)
                try board.kernel.register(board.platformDevice("legacy-echo.0", compatible: ["legacy-echo"]))
            }
            try board.populate()
        } catch {
            report.failures.append("board: \(error)")
            return report
        }
        let targets = controllers + (options.brokenCdev ? [("legacy-echo.0", "legacy-echo")] : [])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        let latencies = Locked<[UInt64]>([])
        let unexpected = Locked<[String]>([])
        let group = DispatchGroup()
        let start = Date()

        for r in 0..<options.readers {
            group.enter()
            Thread {
                var rng = SplitMix64(seed: options.seed &+ UInt64(r) &* 7919)
                while !stop.withLock({ $0 }) {
                    let outcome = Reader.round(board, reader: r, rng: &rng, broken: options.brokenCdev)
                    outcomes.withLock { $0[outcome, default: 0] += 1 }
                    if !Reader.acceptable.contains(outcome) { unexpected.withLock { $0.append("reader \(r): \(outcome)") } }
                }
                group.leave()
            }.start()
        }
        for w in 0..<options.writers {
            group.enter()
            Thread {
                var rng = SplitMix64(seed: options.seed &+ 1_000_003 &* UInt64(w + 1))
                while !stop.withLock({ $0 }) {
                    let (name, driver) = targets[Int(rng.next() % UInt64(targets.count))]
                    guard let device = board.kernel.device(named: name) else { continue }
                    let t0 = monotonicNanoseconds()
                    if (try? board.kernel.unbind(device)) != nil {
                        latencies.withLock { $0.append(monotonicNanoseconds() - t0) }
                    }
                    if options.stutterMicroseconds > 0 { usleep(UInt32(rng.next() % UInt64(options.stutterMicroseconds))) }
                    try? board.kernel.bind(device, to: driver)
                }
                group.leave()
            }.start()
        }
        var nextStat = options.statInterval
        while Date().timeIntervalSince(start) < options.seconds {
            Thread.sleep(forTimeInterval: 0.05)
            let elapsed = Date().timeIntervalSince(start)
            if elapsed >= nextStat {
                nextStat += options.statInterval
                let ops = outcomes.withLock { $0.values.reduce(0, +) }
                let findings = sanitizer.findings.count
                stat(String(format: "torture: t=%.0fs ops=%d unbinds=%d findings=%d unexpected=%d",
                            elapsed, ops, latencies.withLock { $0.count }, findings, unexpected.withLock { $0.count }))
                if options.brokenCdev && findings > 0 { break }  // a negative control may stop at the first catch
            }
        }
        stop.withLock { $0 = true }
        if group.wait(timeout: .now() + 10) == .timedOut {
            report.failures.append("a reader or writer did not return within 10 s of the stop (hang)")
        }
        report.seconds = Date().timeIntervalSince(start)
        report.outcomes = outcomes.withLock { $0 }
        report.operations = report.outcomes.values.reduce(0, +)
        let sorted = latencies.withLock { $0 }.sorted()
        report.unbinds = sorted.count
        if !sorted.isEmpty {
            report.unbindP50 = Double(sorted[sorted.count / 2]) / 1_000
            report.unbindP99 = Double(sorted[min(sorted.count - 1, sorted.count * 99 / 100)]) / 1_000
            report.unbindMax = Double(sorted.last!) / 1_000
            report.stalls = sorted.count { Double($0) / 1_000 > report.stallThreshold }
        }
        report.failures += unexpected.withLock { Array($0.prefix(20)) }
        report.failures += sanitizer.findings.prefix(20).map { "\($0.kind.rawValue) in \($0.objectName): \($0.message)" }
        return report
    }
}
