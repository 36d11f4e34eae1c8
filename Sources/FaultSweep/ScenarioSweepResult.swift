/// One injected failure of a scenario sweep and what the model looked like afterwards.
public struct ScenarioSweepRun: Sendable, Codable {
    public let failAt: Int
    /// The injectable point that failed ("#3 devresAction 'free_irq' on gpio-sim.0 at …").
    public let point: String
    /// Where the point was reached: "board" (building it) or "actors" (running the steps).
    public let phase: String
    /// Set when the board could not be built because of the fault (the actors did not run):
    /// the failure as the board builder reported it.
    public let boardError: String?
    /// What was wrong afterwards; empty when every check held.
    public let problems: [String]
}

/// The fault sweep of one scenario: every injectable point its board build and its actors
/// reached, each failed once, with the checks' verdicts.
public struct ScenarioSweepResult: Sendable, Codable {
    public let scenario: String
    /// The fault-free run's injectable points, in order (board first, then the actors').
    public let points: [String]
    /// How many of ``ScenarioSweepResult/points`` the board build reached.
    public let boardPoints: Int
    /// One per fault injected.
    public let runs: [ScenarioSweepRun]
    /// Problems of the fault-free run itself (the same checks, no fault): a scenario that
    /// fails them without a fault says nothing about its error paths.
    public let faultFreeProblems: [String]
    /// Points of the fault-free run that no run failed (by kind, name, device and site):
    /// possible when racing actors reach their points in another order from run to run, or
    /// name them otherwise (a rebound chip is gpiochip1 while an old file holds gpiochip0).
    /// Informational; empty for a board, whose build is sequential.
    public let neverFailed: [String]
    /// True when the sweep stopped at its limit of injected faults before a run consumed none.
    public let truncated: Bool
    public let seconds: Double
    public var ok: Bool { faultFreeProblems.isEmpty && !truncated && runs.allSatisfy { $0.problems.isEmpty } }
}
