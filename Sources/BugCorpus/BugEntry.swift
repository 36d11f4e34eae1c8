import Foundation

/// What one variant of a bug entry did: the findings the tools raised and how long it took.
public struct BugVerdict: Sendable, Codable {
    /// Finding kinds raised (sanitizer kinds, or "hang" from a watchdog).
    public let findings: [String]
    /// One line on what happened.
    public let detail: String
    public let seconds: Double
    /// For entries the explorer also runs: the preemptions of the first failing schedule it
    /// found (preemption bounding: the fewest any failing schedule needs); nil otherwise.
    public var preemptions: Int? = nil
}

/// A real lifetime bug of the kernel's history (a commit or CVE, see Docs/bug-classes.md), written in the model twice: the
/// pattern as the kernel had it (from the legacy, deliberately broken pieces in
/// `Sources/BugCorpus/Legacy`, never used by the real subsystems) and the fixed design. It is
/// caught when the buggy variant raises `expectedFinding` and the fixed one raises nothing.
public struct BugEntry: Sendable {
    public let id: String
    /// Commit id or CVE.
    public let reference: String
    public let subsystem: String
    /// Lifetime bug classes P1–P16, as defined in Docs/bug-classes.md.
    public let classes: [String]
    /// The story, one paragraph.
    public let story: String
    /// Which tool finds it: "sanitizer", "torture", "watchdog".
    public let tool: String
    public let expectedFinding: String
    let buggy: @Sendable () -> BugVerdict
    let fixed: @Sendable () -> BugVerdict

    /// Runs both variants.
    public func run() -> BugRun {
        BugRun(entry: id, buggy: buggy(), fixed: fixed(), expected: expectedFinding)
    }
}

/// Both variants' verdicts, and whether the entry passes.
public struct BugRun: Sendable, Codable {
    public let entry: String
    public let buggy: BugVerdict
    public let fixed: BugVerdict
    public let expected: String
    /// The buggy variant raised the expected kind; the fixed one raised nothing.
    public var caught: Bool { buggy.findings.contains(expected) }
    public var passed: Bool { caught && fixed.findings.isEmpty }
}

/// Times a variant.
func timed(_ body: () -> (findings: [String], detail: String)) -> BugVerdict {
    let start = Date()
    let (findings, detail) = body()
    return BugVerdict(findings: findings, detail: detail, seconds: Date().timeIntervalSince(start))
}
