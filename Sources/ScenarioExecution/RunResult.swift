import ScenarioModel
import Sanitizer

/// What a run found: per-step outcomes, expectations with verdicts, findings, events and
/// timing (integer nanoseconds since the actors were started). Codable for `--json`.
public struct RunResult: Sendable, Codable {
    public var schema = "devmodel/run@1"
    public var scenario: String
    /// The board as built (one line per device: name, bus, state, driver).
    public var setup: [String]
    /// Set when the board could not be built: nothing ran.
    public var setupError: String?
    public var steps: [StepOutcome]
    public var expectations: [ExpectationResult]
    public var findings: [FindingRecord]
    public var events: [EventRecord]
    public var durationNanoseconds: UInt64
    /// The device tree when the step labelled by `snapshotAt` finished, if one was asked for.
    public var snapshot: [String]? = nil

    /// Expectations that held.
    public var passed: Int { expectations.count { $0.passed } }
    /// Expectations that did not hold.
    public var failed: Int { expectations.count { !$0.passed } }
    /// True when every expectation held and the board was built.
    public var ok: Bool { setupError == nil && failed == 0 }
}

/// One executed (or never finished) step.
public struct StepOutcome: Sendable, Codable {
    public var actor: String
    public var index: Int
    public var label: String?
    public var action: String
    /// The errno name, nil on success.
    public var errno: String?
    public var message: String?
    public var returns: ScenarioValue?
    public var revents: [String]?
    public var blocked: Bool
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64?
    /// False when the watchdog fired while the step was running (or before it started).
    public var finished: Bool
}

/// One expectation and its verdict.
public struct ExpectationResult: Sendable, Codable {
    /// Where it comes from: `reader[blocked-read] errno` or `global no_hang`.
    public var name: String
    public var passed: Bool
    /// Why it failed (or what was seen, when it passed).
    public var detail: String
}

/// Something the model reports as a bug, whatever the expectations say: a sanitizer
/// `Sanitizer/Finding` or a hang, reduced to what a report prints. Codable for `--json`
/// (the kind as its name, `use-after-free`).
public struct FindingRecord: Sendable, Codable {
    public var kind: FindingKind
    public var object: String
    public var detail: String
    public var site: String

    public init(kind: FindingKind, object: String, detail: String, site: String) {
        self.kind = kind
        self.object = object
        self.detail = detail
        self.site = site
    }

    /// The record of a sanitizer finding: its kind, object, one-line message and the bad access's site.
    public init(_ finding: Finding) {
        self.init(kind: finding.kind, object: finding.objectName, detail: finding.message,
                  site: finding.access.site.description)
    }
}

/// An event of the run, for reports.
public struct EventRecord: Sendable, Codable {
    public var sequence: UInt64
    public var timeNanoseconds: UInt64
    public var kind: String
    public var object: String
    public var detail: String
    public var site: String
    /// The actor whose thread emitted it, or nil (setup, kernel threads).
    public var actor: String?

    public init(sequence: UInt64, timeNanoseconds: UInt64, kind: String, object: String, detail: String, site: String,
                actor: String?) {
        self.sequence = sequence
        self.timeNanoseconds = timeNanoseconds
        self.kind = kind
        self.object = object
        self.detail = detail
        self.site = site
        self.actor = actor
    }
}

// In extensions so that the memberwise initialisers stay (tests use them).
extension RunResult {
    /// A run assembled elsewhere (the explorer's trace of one schedule).
    public init(scenario: String, setup: [String], steps: [StepOutcome], expectations: [ExpectationResult],
                findings: [FindingRecord], events: [EventRecord], durationNanoseconds: UInt64) {
        self.scenario = scenario
        self.setup = setup
        self.steps = steps
        self.expectations = expectations
        self.findings = findings
        self.events = events
        self.durationNanoseconds = durationNanoseconds
    }
}

extension StepOutcome {
    /// A step that has started (the explorer builds these itself).
    public init(actor: String, index: Int, label: String?, action: String, startNanoseconds: UInt64) {
        self.actor = actor
        self.index = index
        self.label = label
        self.action = action
        blocked = false
        self.startNanoseconds = startNanoseconds
        finished = false
    }
}
