/// Who did something to a described object: the actor, the system call or callback, the
/// step and where it is written — the lines of a KASAN-like trail.
///
/// Cheap to make (every described step makes one): it keeps references to the actor's step,
/// the call path and the operation, and renders text only when a trail is printed.
public struct Provenance: Sendable, CustomStringConvertible {
    /// The actor and its step, or nil for the kernel's own work (board setup).
    public let actor: DescribedContext.ActorStep?
    let call: CallPath
    let operation: Operation?
    public let location: DescriptionLocation?
    /// Position in the world's operation log (orders provenances of one execution).
    public private(set) var index = 0

    /// "user step 2 (read f) → foo_fops.read → read priv.buf".
    public var path: String {
        let base = "\(actor?.description ?? "kernel")\(call)"
        guard let operation else { return base }
        return base + " → " + operation.name + (Interpreter.argument(operation).map { " \($0)" } ?? "")
    }
    public var description: String { location.map { "\(path) at \($0)" } ?? path }

    /// A provenance of the current actor, logged in `log`.
    init(_ call: CallPath, _ operation: Operation?, location: DescriptionLocation?, log: OperationLog) {
        actor = DescribedContext.step
        self.call = call
        self.operation = operation
        self.location = location
        index = log.append(self)
    }

    /// Same actor (and actor step) as `other`.
    func sameActor(as other: Provenance) -> Bool { actor?.description == other.actor?.description }
}

/// The functions a described step runs inside, innermost last: " → foo_fops.read", built
/// as a linked list so entering a function costs one small allocation and no text.
final class CallPath: Sendable, CustomStringConvertible {
    let parent: CallPath?
    let name: String
    init(_ name: String, parent: CallPath? = nil) {
        self.name = name
        self.parent = parent
    }
    func calling(_ name: String) -> CallPath { CallPath(name, parent: self) }
    var description: String { (parent?.description ?? "") + (name.isEmpty ? "" : " → \(name)") }
}

/// The actor running described code on this thread, set by whoever runs scenario steps
/// (ScenarioExecution) so trails can say "user step 3 (read f)" instead of a thread id.
public enum DescribedContext {
    /// An actor's step: rendered only when a trail is printed.
    public struct ActorStep: Sendable, CustomStringConvertible {
        public let actor: String
        public let index: Int
        public let action: String
        public init(actor: String, index: Int, action: String) {
            self.actor = actor
            self.index = index
            self.action = action
        }
        public var description: String { "\(actor) step \(index + 1) (\(action))" }
    }

    @TaskLocal public static var step: ActorStep?
}
