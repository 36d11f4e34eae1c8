/// A finding's witness: a `devmodel/scenario@2` description of the finding's driver (its
/// struct, allocation, registration, the fop that reaches the memory, the unbind) in a buggy
/// and a fixed variant, plus the schedule as one thread of steps per actor. Built from the
/// finding's typed ``Evidence`` alone; pure text, so the lint stays dependency-free: the
/// explorer that confirms it lives above (`devmodel lint --witness`).
public struct WitnessPlan: Sendable, Hashable {
    /// A file-name-safe name (`devm-uaf-widget`).
    public var name: String
    /// The buggy design as the driver has it, and the fix the lint suggests.
    public var buggy: String
    public var fixed: String
    /// The sanitizer finding kinds a failing schedule of the buggy variant must show.
    public var wanted: [String]
    /// One thread per actor, in order, each step with the C source it stands for.
    public var threads: [WitnessThread]
}

/// One actor of a witness: a user-space program or the administrator who unbinds.
public struct WitnessThread: Sendable, Hashable, Codable {
    public var actor: String
    public var steps: [WitnessStep]
}

/// One step of an actor, and the C line the step runs (nil when the driver has none: the
/// driver core's own code).
public struct WitnessStep: Sendable, Hashable, Codable {
    public var text: String
    public var location: SourceLocation?
}

/// Why a finding has no witness (its rule or evidence has no description in the language).
public struct WitnessUnavailable: Error, Sendable, Hashable {
    public var reason: String
}

/// What `devmodel lint --witness` found: the files written and the explorer's verdict.
public struct WitnessOutcome: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable {
        /// A schedule of the buggy variant shows the wanted finding; the fixed one explores clean.
        case confirmed
        /// Anything else: no witness could be written, the buggy variant explored clean, or the
        /// fixed variant failed. ``reason`` says which.
        case unconfirmed
    }
    public var status: Status
    public var reason: String
    /// The two scenario files, for `devmodel explore`.
    public var buggyFile: String?
    public var fixedFile: String?
    /// The failing schedule of the buggy variant (`devmodel explore FILE --replay …`).
    public var replay: String?
    /// The finding kinds of that schedule.
    public var kinds: [String] = []
    /// Whether the fixed variant explored with no failing schedule.
    public var fixedClean: Bool?
    public var threads: [WitnessThread] = []
    public init(status: Status, reason: String) {
        self.status = status; self.reason = reason
    }
}

extension Finding {
    /// The finding's witness plan, or why there is none.
    public func witnessPlan() -> Result<WitnessPlan, WitnessUnavailable> {
        guard let e = evidence else {
            return .failure(WitnessUnavailable(reason: "\(rule.rawValue) findings carry no driver evidence"))
        }
        return WitnessScenario(e, rule: rule).plan()
    }
}
