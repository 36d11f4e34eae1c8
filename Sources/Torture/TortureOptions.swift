import Foundation

/// A deliberately broken part that `devmodel torture --broken …` adds, to show the torture
/// can fail (the kernel ships `rcu_busted` and `lock_busted` for the same reason). Each must
/// make a run report FAILURE within seconds; the real design, run as long as you like, must
/// not. None is ever used outside the torture's negative controls.
public enum NegativeControl: String, Sendable, Codable, CaseIterable, Comparable {
    /// The torture device's data fence revokes without waiting for accesses inside it: caught
    /// by the generation check (pipe bucket ≥ 1).
    case fence
    /// The torture device's data refcount skips the release at the final put: caught by the
    /// sanitizer (release never ran; memory leaked).
    case refcount
    /// A character device without revocation, its state in devres memory: caught by the
    /// sanitizer (a call reaches freed driver memory).
    case cdev

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// What to torture, for how long.
public struct TortureOptions: Sendable {
    public var seconds: Double = 5
    /// Reader threads (user-space programs and in-kernel consumers looping over the devices).
    public var readers: Int = 3
    /// Writer threads (unbinding and rebinding controllers).
    public var writers: Int = 1
    public var seed: UInt64 = 1
    /// Between a writer's unbind and rebind, sleep a random 0…stutter microseconds (stutter).
    public var stutterMicroseconds: Int = 200
    /// Negative controls to add (each must make the run fail).
    public var broken: Set<NegativeControl> = []
    /// Seconds between stat lines.
    public var statInterval: Double = 1
    /// Unbind latencies above this are reported as stalls (µs).
    public var stallThreshold: Double = 100_000
    /// Released objects the sanitizer keeps with their history (its quarantine): bounds the
    /// memory of long runs, which release thousands of objects a second.
    public var quarantine: Int = 20_000
    public init() {}
}

/// The outcome: counts, the generation pipe, revoke (unbind) latency percentiles, failures,
/// and the verdict.
public struct TortureReport: Sendable, Codable {
    /// Names the JSON document's format, like the CLI's other documents.
    public var schema = "devmodel/torture@1"
    public var seconds: Double = 0
    public var operations: Int = 0
    /// Outcomes of reader rounds by errno name ("OK", "ENODEV", …).
    public var outcomes: [String: Int] = [:]
    public var unbinds: Int = 0
    /// Writer rounds that went through `driver_override`, and USB unplug/replug rounds.
    public var overrides: Int = 0
    public var replugs: Int = 0
    /// Bindings of the torture device (its driver data's generations).
    public var generations: Int = 0
    /// Accesses to the torture device's data by how many revokes had completed since the
    /// generation they observed; anything beyond bucket 0 is a failure.
    public var pipe = PipeHistogram()
    /// Unbind latency, microseconds: p50, p99, max.
    public var unbindP50: Double = 0
    public var unbindP99: Double = 0
    public var unbindMax: Double = 0
    /// Latencies above this are reported as stalls (µs).
    public var stallThreshold: Double = 100_000
    public var stalls: Int = 0
    /// True when the end-of-run leak check ran (the board was torn down after the threads
    /// returned; skipped after a hang).
    public var leakCheck = false
    /// One line per failure: at most 3 of each kind (the first found), then a line counting
    /// the rest of that kind.
    public var failures: [String] = []
    /// The lines of ``failures`` the end-of-run leak check raised (leaked memory or
    /// references, releases that never ran, tear-down problems), so that the KTAP leak test
    /// can fail with them as its diagnostics.
    public var leaks: [String] = []
    /// What failed, by kind: sanitizer finding kinds ("use-after-free", "release-never-ran",
    /// "leaked-memory", …), "generation", "unexpected-errno", "hang", "tear-down", and
    /// "options" or "board" when the run could not start.
    public var failureKinds: [String] = []
    public var success: Bool { failures.isEmpty }
}
