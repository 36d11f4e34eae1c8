/// What the explorer runs: named actors and, for each execution, a fresh world — one body
/// per actor, run on its own thread under the serializer, and a verdict once all have left.
public struct ExplorationProgram: Sendable {
    /// Shown in reports.
    public let name: String
    /// Identifies the program's content in replay strings (see ``ContentHash``).
    public let hash: String
    /// One thread per actor, in this order (thread 0 is `a` in replay strings).
    public let actorNames: [String]
    /// Coverage assertions (`LABEL → ERRNO`): some execution must report each in its
    /// ``Verdict/reached``, or the exploration fails.
    public var reachable: [String] = []
    /// Interchangeable actors (a scenario's `Symmetry`): thread indices, two or more per class.
    package var symmetry: [[Int]] = []
    /// Every actor's first yield is a scheduling point reached through its own code only, so
    /// threads may start when first chosen (see ``Serializer``): the same schedules, fewer
    /// thread switches.
    package var startsLazily = false
    let prepare: @Sendable (Serializer, ExecutionSetup) -> PreparedExecution

    /// A program whose every execution `prepare` builds afresh (for an adapter such as the
    /// scenario one).
    package init(name: String, hash: String, actorNames: [String],
                 prepare: @escaping @Sendable (Serializer, ExecutionSetup) -> PreparedExecution) {
        self.name = name
        self.hash = hash
        self.actorNames = actorNames
        self.prepare = prepare
    }
}

/// What a program's world is built for: the kernel debug modes, and whether the execution is
/// recorded in full (a scenario's `ExecutionTrace`).
package struct ExecutionSetup: Sendable {
    package var options: ExplorationOptions
    package var tracing = false
}

/// One execution's fresh world.
package struct PreparedExecution: Sendable {
    /// One per actor, run on the actor's thread with the serializer installed.
    var bodies: [@Sendable () -> Void]
    /// Called after every thread has left.
    var verdict: @Sendable (_ ending: Serializer.Ending?) -> Verdict
    /// After the verdict, when tracing: the execution recorded in full (scenarios only).
    var trace: @Sendable () -> (any Sendable)? = { nil }

    package init(bodies: [@Sendable () -> Void], verdict: @escaping @Sendable (_ ending: Serializer.Ending?) -> Verdict,
                 trace: @escaping @Sendable () -> (any Sendable)? = { nil }) {
        self.bodies = bodies
        self.verdict = verdict
        self.trace = trace
    }
}

/// What one execution showed: its failures (empty when it passed) and a short signature of
/// its observable outcome, so distinct outcomes can be counted.
public struct Verdict: Sendable, Equatable {
    /// Failed expectations, findings, hang / livelock / divergence explanations.
    public var failures: [String]
    /// For scenarios: `actor[step]=errno` for every step, in actor order.
    public var outcome: String
    /// What coverage assertions this execution satisfies (`LABEL → ERRNO` for scenarios:
    /// every labelled step that finished).
    public var reached: [String]
    /// The injectable point that failed in this execution, when a fault was armed and reached.
    public var injectedFault: String?

    public init(failures: [String], outcome: String, reached: [String] = [], injectedFault: String? = nil) {
        self.failures = failures
        self.outcome = outcome
        self.reached = reached
        self.injectedFault = injectedFault
    }
}

/// One execution of a program written directly in Swift (for tests): a body per actor, and a
/// check run after all of them finished (not called when the execution hung).
public struct CustomExecution: Sendable {
    /// One body per actor name, in order (missing ones do nothing, extra ones are ignored).
    /// A body may call `Scheduling.point(_:site:)` (Instrumentation) for choices of its own.
    public var actors: [@Sendable () -> Void]
    /// Judges the finished execution.
    public var check: @Sendable () -> Verdict

    public init(actors: [@Sendable () -> Void], check: @escaping @Sendable () -> Verdict = { Verdict(failures: [], outcome: "") }) {
        self.actors = actors
        self.check = check
    }
}

extension ExplorationProgram {
    /// A program whose actors are Swift closures: `make` builds a fresh world per execution.
    /// Its hash is the hash of `name` and the actor names: change `name` when the code changes.
    public static func custom(name: String, actors: [String],
                              make: @escaping @Sendable () -> CustomExecution) -> ExplorationProgram {
        ExplorationProgram(name: name, hash: ContentHash.of(text: "custom\u{0}\(name)\u{0}\(actors.joined(separator: "\u{0}"))"),
                           actorNames: actors) { _, _ in
            let world = make()
            var bodies = world.actors
            // Never index out of range: missing bodies do nothing, extra ones are ignored.
            while bodies.count < actors.count { bodies.append({}) }
            return PreparedExecution(bodies: Array(bodies.prefix(actors.count))) { ending in
                if let ending { return Verdict(failures: [ending.summary], outcome: ending.kind) }
                return world.check()
            }
        }
    }
}

extension Serializer.Ending {
    /// `hang`, `livelock` or `divergence`.
    var kind: String {
        switch self {
        case .hang: "hang"
        case .livelock: "livelock"
        case .diverged: "divergence"
        }
    }

    package var summary: String {
        switch self {
        case .hang(let s): "hang: \(s)"
        case .livelock(let s): "livelock: \(s)"
        case .diverged(let s): "replay diverged: \(s)"
        }
    }
}
