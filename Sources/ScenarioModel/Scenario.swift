import DriverDescription

/// A scenario: a simulated board, actors that run concurrently against it, and what must
/// hold; since `devmodel/scenario@2` also drivers it describes itself. The one model that files (YAML/JSON), the Swift result builder, the runner, the CLI
/// and the explorer share.
///
/// Value type; building one costs nothing at run time. A scenario that came from a file has
/// passed ``ScenarioValidator`` (every name it uses exists, no wait cycles), so the runner
/// never starts one half-way.
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var description: String
    public var board: BoardSpec
    public var actors: [ActorSpec]
    public var expect: GlobalExpectations
    /// Watchdog on the whole run, nanoseconds: a run still going after this is a hang finding.
    public var timeoutNanoseconds: UInt64
    /// Drivers the scenario describes (`objects:`, `fops:`, `drivers:` …); empty in v1 files.
    public var described = DriverDescription()
    /// The real kernel bug the scenario reproduces (`bug:`), for corpus entries.
    public var bug: BugReference?

    public init(name: String, description: String = "", board: BoardSpec = BoardSpec(), actors: [ActorSpec] = [],
                expect: GlobalExpectations = GlobalExpectations(), timeoutNanoseconds: UInt64 = 2_000_000_000) {
        self.name = name
        self.description = description
        self.board = board
        self.actors = actors
        self.expect = expect
        self.timeoutNanoseconds = timeoutNanoseconds
    }
}

extension Scenario {
    /// Device nodes the scenario's drivers publish: the board's, then the described drivers'.
    public var nodeNames: [String] { board.nodeNames + described.nodeNames }
    /// Where the first described driver is, when the scenario describes any (for tools that
    /// cannot take described drivers to say so, located).
    public var firstDescribedDriver: SourceLocation? {
        guard !described.isEmpty else { return nil }
        let l = (described.drivers.first?.location ?? described.types.values.first?.location)
        return l.map { SourceLocation(line: $0.line, column: $0.column) } ?? SourceLocation(line: 1, column: 1)
    }
    /// Drivers a `bind` or `driver_override` may name.
    public var driverNames: Set<String> { board.driverNames.union(described.drivers.map(\.name)) }
}

/// The kernel bug a corpus scenario stands for: what `devmodel bugs` lists.
public struct BugReference: Sendable, Equatable {
    /// Commit ids, a CVE, or a description of the fix.
    public var reference: String
    /// Subsystem and file ("media (media-devnode.c)").
    public var subsystem: String
    /// Bug classes of Docs/bug-classes.md ("P1").
    public var classes: [String]
    public init(reference: String, subsystem: String, classes: [String]) {
        self.reference = reference
        self.subsystem = subsystem
        self.classes = classes
    }
}

/// A position in a scenario file (1-based), kept on the parts the validator may complain about.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

/// One user-space program or admin shell: its steps run in order on one thread.
public struct ActorSpec: Sendable, Equatable {
    public var name: String
    public var steps: [StepSpec]
    public var location: SourceLocation?
    public init(name: String, steps: [StepSpec], location: SourceLocation? = nil) {
        self.name = name
        self.steps = steps
        self.location = location
    }
}

/// One step: an action, its synchronisation and what it must do.
public struct StepSpec: Sendable, Equatable {
    public var action: StepAction
    /// A name other steps can synchronise on (`after:`, `wait: blocked_in:`, `within:`).
    public var label: String?
    /// Start only once the step labelled so (in any actor) has finished.
    public var after: String?
    /// The handle name for a step that creates a file (`open`, `request_lines`).
    public var handle: String?
    public var expect: StepExpectation
    public var location: SourceLocation?

    public init(_ action: StepAction, label: String? = nil, after: String? = nil, as handle: String? = nil,
                expect: StepExpectation = StepExpectation(), location: SourceLocation? = nil) {
        self.action = action
        self.label = label
        self.after = after
        self.handle = handle
        self.expect = expect
        self.location = location
    }

    /// The handle this step defines: `as:`, else for `open` the node's name.
    public var definedHandle: String? {
        if let handle { return handle }
        if case .open(let path, _) = action { return DevPath.nodeName(path) }
        return nil
    }
}

/// Helpers for `/dev` paths.
public enum DevPath {
    /// "gpiochip0" for "/dev/gpiochip0" or "gpiochip0".
    public static func nodeName(_ path: String) -> String {
        path.hasPrefix("/dev/") ? String(path.dropFirst(5)) : path
    }
}
