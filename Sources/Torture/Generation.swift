import Instrumentation

/// rcutorture's reader "pipe" histogram, for driver data: bucket *n* counts the reader
/// accesses that, still inside their access, found *n* revokes completed since the
/// generation they observed. Bucket 0 is the only correct one; anything in bucket 1 or later
/// is an access that saw driver data whose revoke had already returned — a fence that did
/// not wait for it.
public struct PipeHistogram: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The last bucket counts everything at or beyond it (rcutorture's RCU_TORTURE_PIPE_LEN).
    public static let length = 10
    public var buckets = [Int](repeating: 0, count: length + 1)

    public init() {}

    /// Accesses checked.
    public var accesses: Int { buckets.reduce(0, +) }
    /// Accesses that observed a generation whose revoke had completed.
    public var failures: Int { buckets.dropFirst().reduce(0, +) }

    mutating func record(_ bucket: Int) { buckets[min(bucket, Self.length)] += 1 }

    /// The buckets, space-separated, as rcutorture prints its "Reader Pipe" line.
    public var description: String { buckets.map(String.init).joined(separator: " ") }
}

/// The generations of one device's driver data, and the pipe of the accesses to it.
///
/// Each binding takes the next generation (``nextGeneration()``, in probe). Unbind reports
/// the generation's revoke as completed (``revokeCompleted(_:)``) once every fence that
/// guards the data has been revoked — the moment after which, in a correct design, no access
/// can still be using it. A reader calls ``record(observed:)`` at the end of its access,
/// still inside it. The bindings of one device follow each other (an unbind finishes before
/// the next probe starts), so the revokes completed since generation *g* are those of
/// *g* … `completed`.
///
/// Cost: one lock per call. Thread-safe.
final class GenerationLedger: Sendable {
    private struct State {
        var bound: UInt64 = 0
        var completed: UInt64 = 0
        var pipe = PipeHistogram()
    }
    private let state = Locked(State())

    /// A new binding's generation: one more than the last.
    func nextGeneration() -> UInt64 {
        state.withLock { s in
            s.bound += 1
            return s.bound
        }
    }

    /// Every fence guarding generation `g` has been revoked (they all returned).
    func revokeCompleted(_ g: UInt64) {
        state.withLock { $0.completed = max($0.completed, g) }
    }

    /// Records an access that observed generation `g`; call it while still inside the access.
    /// Returns the bucket: the number of revokes completed since `g` (0 = correct).
    @discardableResult
    func record(observed g: UInt64) -> Int {
        state.withLock { s in
            let bucket = s.completed >= g ? Int(s.completed - g + 1) : 0
            s.pipe.record(bucket)
            return bucket
        }
    }

    /// Bindings so far.
    var generations: UInt64 { state.withLock { $0.bound } }
    var pipe: PipeHistogram { state.withLock { $0.pipe } }
}
