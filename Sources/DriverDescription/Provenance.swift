/// Who did something to a described object: the actor, the system call or callback, the
/// step and where it is written — the lines of a KASAN-like trail.
public struct Provenance: Sendable, CustomStringConvertible {
    /// The actor and its step ("user step 2 (read f)"), or "kernel".
    public let actor: String
    /// "user step 2 (read f) → foo_fops.read → read priv.buf".
    public let path: String
    public let location: DescriptionLocation?
    /// Position in the world's operation log (orders provenances of one execution).
    public let index: Int
    public var description: String { location.map { "\(path) at \($0)" } ?? path }

    /// A provenance of the current actor, logged in `log`.
    init(_ path: String, location: DescriptionLocation?, log: OperationLog) {
        actor = DescribedContext.current
        self.path = path
        self.location = location
        index = log.append(actor: actor, what: path)
    }
}

/// The actor running described code on this thread, set by whoever runs scenario steps
/// (ScenarioExecution) so trails can say "user step 3" instead of a thread id.
public enum DescribedContext {
    @TaskLocal public static var actor: String?

    /// The current actor's name, or "kernel" for work no actor started (board setup).
    static var current: String { actor ?? "kernel" }
}
