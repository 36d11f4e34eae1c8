/// What to torture a scenario with, and for how long.
public struct ScenarioTortureOptions: Sendable {
    /// Stop after this long (the wall clock, checked between iterations).
    public var seconds: Double = 5
    /// Stop after this many iterations instead, if set first: what deterministic tests use.
    public var iterations: Int?
    public var seed: UInt64 = 1
    /// Odd iterations pause each actor a random 0 ..< this many microseconds before each step
    /// (0: never); even ones run flat out. Both tight races and widened windows get tried.
    public var stutterMicroseconds: Int = 200
    /// Seconds between stat lines.
    public var statInterval: Double = 1
    /// Stop at the first failing iteration (negative controls and tests).
    public var stopAtFirstFailure = false
    public init() {}
}

/// The outcome of `devmodel torture --scenario FILE`: iterations, the outcome histogram of
/// every labelled or judged step, findings by kind with the first example of each, hangs and
/// unexpected outcomes, and the verdict. Codable for `--json`.
public struct ScenarioTortureReport: Sendable, Codable {
    /// Names the JSON document's format, like the CLI's other documents.
    public var schema = "devmodel/torture-scenario@1"
    /// The scenario's name.
    public var scenario: String
    /// Wall-clock length of the run.
    public var seconds: Double = 0
    /// Iterations run to the end (each a fresh board and every actor's steps).
    public var iterations: Int = 0
    public var iterationsPerSecond: Double { seconds > 0 ? Double(iterations) / seconds : 0 }
    /// Per step shown, in scenario order: how often each errno ("OK" for success,
    /// "unfinished" when a hang stopped it) came out.
    public var outcomes: [StepHistogram] = []
    /// Sanitizer findings by kind ("use-after-free", …) and hangs ("hang"), in the order first seen.
    public var findings: [FindingTally] = []
    /// Outcomes outside the step's admissible set (``AdmissibleOutcomes``), by step and errno.
    public var unexpected: [UnexpectedTally] = []
    /// `reachable:` outcomes no iteration showed (informational: a torture run samples schedules).
    public var reachableNotSeen: [String] = []
    /// Set when the board could not be built (nothing ran).
    public var setupError: String?
    /// True when iterations ran and none had a finding, a hang or an inadmissible outcome.
    public var success: Bool {
        setupError == nil && iterations > 0 && findings.isEmpty && unexpected.isEmpty
    }
    public init(scenario: String) { self.scenario = scenario }
}

/// One step's outcomes over a torture run.
public struct StepHistogram: Sendable, Codable {
    public var step: String
    /// Errno name → iterations.
    public var counts: [String: Int]
    /// Errno name → iterations in which an earlier step of the same actor had failed (not
    /// judged: the program would have stopped there).
    public var afterEarlierFailure: [String: Int]
    /// The admissible outcomes, if the step is judged.
    public var admissible: [String]?
}

/// One kind of finding over a torture run.
public struct FindingTally: Sendable, Codable {
    public var kind: String
    /// Iterations' findings of this kind.
    public var count: Int
    /// The first one: the iteration (1-based), object, message and site.
    public var firstIteration: Int
    public var firstExample: String
}

/// One inadmissible outcome of one step over a torture run.
public struct UnexpectedTally: Sendable, Codable {
    public var step: String
    public var errno: String
    public var count: Int
    public var firstIteration: Int
    /// The step's message in the first iteration that showed it, if it had one.
    public var firstMessage: String?
}
