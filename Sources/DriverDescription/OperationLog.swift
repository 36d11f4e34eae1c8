import Instrumentation

/// The ordered record of every described step one execution ran, by any actor: what a trail
/// quotes for "the scheduling decisions between" a free and the access that found it freed.
///
/// Cost: one lock and one append per described step. Thread-safe.
public final class OperationLog: Sendable {
    private let entries = Locked<[Entry]>([])

    public struct Entry: Sendable, CustomStringConvertible {
        public let actor: String
        public let what: String
        /// The whole path, which starts with the actor.
        public var description: String { what }
    }

    public init() {}

    /// Records a step and returns its position.
    @discardableResult
    func append(actor: String, what: String) -> Int {
        entries.withLock { e in
            e.append(Entry(actor: actor, what: what))
            return e.count - 1
        }
    }

    /// Entries strictly between two positions, of actors other than `actor`: what ran in
    /// between and made the difference.
    func between(_ start: Int, _ end: Int, otherThan actor: String) -> [Entry] {
        entries.withLock { e in
            guard start + 1 < end, end <= e.count else { return [] }
            return e[(start + 1)..<end].filter { $0.actor != actor }
        }
    }

    public var all: [Entry] { entries.withLock { $0 } }
}
