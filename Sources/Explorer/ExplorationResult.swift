/// What an exploration found.
public struct ExplorationResult: Sendable {
    /// Executions run (each a full run of the program under one schedule).
    public var executions: Int
    /// Distinct failures (by their text), in the order found: with preemption bounding the
    /// first has the fewest preemptions.
    public var failures: [ExplorationFailure]
    /// Executions that failed (several may share one distinct failure).
    public var failingExecutions: Int
    /// Distinct observable outcomes (per-step errnos for scenarios) and how often each occurred.
    public var outcomes: [String: Int]
    /// False when `maxExecutions` stopped the exploration before the strategy's space was done.
    public var complete: Bool
    /// Wall-clock time of the whole exploration.
    public var seconds: Double

    /// One replay string per distinct failure.
    public var replayStrings: [String] { failures.map(\.replay) }
    public var executionsPerSecond: Double { seconds > 0 ? Double(executions) / seconds : 0 }
}

/// One failing schedule: why, and the string that reproduces it.
public struct ExplorationFailure: Sendable, Equatable {
    /// The failed expectations, findings, or the hang / livelock explanation.
    public var reasons: [String]
    /// `dm1:…`: pass it to ``Explorer/replay(_:)`` or `devmodel explore --replay`.
    public var replay: String
    public var preemptions: Int
    /// True when replaying the string a second time gave the same reasons.
    public var reproduced: Bool
}

/// One execution, replayed.
public struct ReplayOutcome: Sendable, Equatable {
    public var verdict: Verdict
    /// The replay string of what actually ran (equal to the input unless it diverged).
    public var replay: String
}
