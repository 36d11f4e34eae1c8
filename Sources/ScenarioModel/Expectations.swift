/// What one step must do. Every field is optional: an empty expectation checks nothing.
public struct StepExpectation: Sendable, Equatable {
    /// The errno the step must fail with, by name ("ENODEV"); "OK" means it must succeed.
    public var errno: String?
    /// The value the step must return (maps compare as subsets).
    public var returns: ScenarioValue?
    /// The exact poll bits, by name (["POLLERR", "POLLHUP"]).
    public var revents: [String]?
    /// Whether the step must have blocked (slept on a wait queue or a fence) before it returned.
    public var blocks: Bool?
    /// The step must finish at most this long after the step labelled `label` finished.
    public var within: Within?

    /// `within: 50ms after LABEL`.
    public struct Within: Sendable, Equatable {
        public var nanoseconds: UInt64
        public var label: String
        public init(nanoseconds: UInt64, after label: String) {
            self.nanoseconds = nanoseconds
            self.label = label
        }
    }

    public init(errno: String? = nil, returns: ScenarioValue? = nil, revents: [String]? = nil, blocks: Bool? = nil,
                within: Within? = nil) {
        self.errno = errno
        self.returns = returns
        self.revents = revents
        self.blocks = blocks
        self.within = within
    }

    /// True when nothing is expected of the step.
    public var isEmpty: Bool { self == StepExpectation() }
}

/// What must hold for the whole run.
public struct GlobalExpectations: Sendable, Equatable {
    /// Every actor finishes before the watchdog fires (default true).
    public var noHang: Bool
    /// The exact number of findings (ref misuse, use after free, warnings, hangs); nil: any.
    public var findings: Int?
    /// The finding kinds a scenario of a buggy design demonstrates: a run may report only
    /// these (a race may not show in one run), and `devmodel explore` must find each in some
    /// schedule (checked by the class-pair tests and `bugs run`). Empty: not checked.
    public var findingKinds: [String] = []
    /// Devices whose object must have been released by the end of the run.
    public var released: [String]
    /// Events that must occur in this order (others may come between).
    public var events: [EventPattern]
    /// Coverage: outcomes that some explored schedule must show (`devmodel explore` checks
    /// them over all its executions; a single `run` does not).
    public var reachable: [Reachable]

    public init(noHang: Bool = true, findings: Int? = 0, released: [String] = [], events: [EventPattern] = [],
                reachable: [Reachable] = []) {
        self.noHang = noHang
        self.findings = findings
        self.released = released
        self.events = events
        self.reachable = reachable
    }
}

/// `LABEL → ERRNO` (or `LABEL -> OK`): the step labelled LABEL finishes with that errno in at
/// least one explored schedule. An exploration whose interesting outcome never happens fails
/// instead of passing vacuously.
public struct Reachable: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var label: String
    /// An errno name, or "OK".
    public var errno: String
    public var location: SourceLocation?

    public init(label: String, errno: String, location: SourceLocation? = nil) {
        self.label = label
        self.errno = errno
        self.location = location
    }

    /// Parses `LABEL → ERRNO` or `LABEL -> ERRNO`; nil when it has another shape.
    public init?(text: String, location: SourceLocation? = nil) {
        let parts = text.replacingOccurrences(of: "->", with: "→").split(separator: "→", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(label: parts[0], errno: parts[1].uppercased() == "OK" ? "OK" : parts[1], location: location)
    }

    public var description: String { "\(label) → \(errno)" }

    public static func == (a: Reachable, b: Reachable) -> Bool { a.label == b.label && a.errno == b.errno }
    public func hash(into h: inout Hasher) {
        h.combine(label)
        h.combine(errno)
    }
}

/// Matches one event: its kind (`driver.unbind`), optionally its object's name and a
/// substring of its detail.
public struct EventPattern: Sendable, Equatable, CustomStringConvertible {
    public var kind: String
    public var object: String?
    public var detail: String?
    public var location: SourceLocation?

    public init(kind: String, object: String? = nil, detail: String? = nil, location: SourceLocation? = nil) {
        self.kind = kind
        self.object = object
        self.detail = detail
        self.location = location
    }

    /// Parses `"kind [object [detail…]]"`.
    public init(text: String, location: SourceLocation? = nil) {
        let parts = text.split(separator: " ", maxSplits: 2).map(String.init)
        self.init(kind: parts.first ?? "", object: parts.count > 1 ? parts[1] : nil,
                  detail: parts.count > 2 ? parts[2] : nil, location: location)
    }

    public var description: String { [kind, object, detail].compactMap { $0 }.joined(separator: " ") }

    package func matches(kind k: String, object o: String, detail d: String) -> Bool {
        k == kind && (object == nil || object == o) && (detail == nil || d.contains(detail!))
    }
}

/// A plain value (what a step returned, or what it must return): JSON-shaped.
public enum ScenarioValue: Sendable, Equatable, CustomStringConvertible, Codable {
    case null
    case int(Int)
    case bool(Bool)
    case string(String)
    case list([ScenarioValue])
    case map([String: ScenarioValue])

    /// True when `actual` satisfies `self`: equal scalars and lists, maps by the keys `self` names.
    public func isSatisfied(by actual: ScenarioValue) -> Bool {
        switch (self, actual) {
        case (.map(let want), .map(let got)):
            want.allSatisfy { key, value in got[key].map { value.isSatisfied(by: $0) } ?? false }
        case (.list(let want), .list(let got)):
            want.count == got.count && zip(want, got).allSatisfy { $0.isSatisfied(by: $1) }
        case (.int(let a), .bool(let b)), (.bool(let b), .int(let a)): (a != 0) == b
        default: self == actual
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .int(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .string(let v): "\"\(v)\""
        case .list(let v): "[" + v.map(\.description).joined(separator: ", ") + "]"
        case .map(let v): "{" + v.keys.sorted().map { "\($0): \(v[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Int.self) { self = .int(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([ScenarioValue].self) { self = .list(v) }
        else { self = .map(try c.decode([String: ScenarioValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .int(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .list(let v): try c.encode(v)
        case .map(let v): try c.encode(v)
        }
    }
}
