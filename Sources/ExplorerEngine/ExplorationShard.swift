/// One slice of one program's schedule space, for running an exploration on several machines
/// (a CI matrix, a cluster's job array) and joining the results with
/// ``ExplorationReport/merge(_:)``.
///
/// Guarantee: the `count` shards of a space own disjoint sets of schedules whose union is the
/// whole space, and which shard owns a schedule is a function of its thread choices alone
/// (never of the number of workers, the load or the order in which schedules finished): a
/// schedule belongs to the subtree of the schedule tree named by its first `depth` choices,
/// and a subtree to the shard `h mod count`, where `h` is a fixed 64-bit hash of those
/// choices (FNV-1a, then MurmurHash3's finaliser) (the same in every process). The same failures are kept as in one unsharded run,
/// because each shard keeps the first failing schedule of its own part by the fixed order of
/// ``ScheduleKey`` and the merge keeps the first of those.
///
/// Cost: every shard also runs the schedules that enter a foreign subtree for the first time
/// (one per subtree, to learn the alternatives above the cut), but no schedule inside one;
/// a deeper cut balances the shards better and repeats more of those.
public struct ExplorationShard: Sendable, Equatable {
    /// 0-based: this shard is `index` of `0..<count`.
    public let index: Int
    public let count: Int
    /// How many leading choices name a schedule's subtree.
    public let depth: Int

    /// The cut used unless one is given: on the canonical scenario at bound 3 the largest of
    /// four shards holds 27% of the 195,538 schedules, and each also runs about 4,000 of the
    /// others' (8%).
    public static let defaultDepth = 12

    /// Nil unless `0 ≤ index < count` and `depth ≥ 1`.
    public init?(index: Int, count: Int, depth: Int = Self.defaultDepth) {
        guard count >= 1, index >= 0, index < count, depth >= 1 else { return nil }
        self.index = index
        self.count = count
        self.depth = depth
    }

    /// Whether this shard owns the schedule that made `choices`.
    public func owns(_ choices: [Int]) -> Bool {
        count == 1 || Self.subtree(of: choices, depth: depth) % UInt64(count) == UInt64(index)
    }

    /// `i/n`, 1-based as on the command line.
    public var description: String { "\(index + 1)/\(count)" }

    static func subtree(of choices: [Int], depth: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in choices.prefix(depth) {
            h ^= UInt64(truncatingIfNeeded: c + 1)
            h = h &* 0x0000_0100_0000_01B3
        }
        // FNV's low bits mix poorly (modulo 2 it is the parity of the choices): MurmurHash3's
        // finaliser spreads every bit over all of them before the modulo.
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }
}
