import Instrumentation

/// The ordered record of every described step one execution ran, by any actor: what a trail
/// quotes for "the scheduling decisions between" a free and the access that found it freed.
///
/// Cost: one lock and one append per described step (no text is made). Thread-safe.
public final class OperationLog: Sendable {
    private let entries = Locked<[Provenance]>([])

    public init() {}

    /// Records a step and returns its position.
    func append(_ p: Provenance) -> Int {
        entries.withLock { e in
            e.append(p)
            return e.count - 1
        }
    }

    /// Entries strictly between two positions, of other actors' steps than `who`'s: what
    /// ran in between and made the difference.
    func between(_ start: Int, _ end: Int, otherThan who: Provenance) -> [Provenance] {
        entries.withLock { e in
            guard start + 1 < end, end <= e.count else { return [] }
            return e[(start + 1)..<end].filter { !$0.sameActor(as: who) }
        }
    }
}
