/// How the explorer chooses schedules.
public enum ExplorationStrategy: Sendable, Equatable {
    /// Iterative preemption bounding: every schedule with 0 preemptions, then 1, … up to
    /// `maxPreemptions` (a preemption is switching away from a thread that could still run),
    /// each schedule run once, depth-first within a bound. The first failure found has the
    /// fewest preemptions. CHESS found all its bugs within 2, the default.
    case preemptionBounded(maxPreemptions: Int = 2)
    /// Preemption bounding with bounded partial-order reduction (Coons, Musuvathi and
    /// McKinley, OOPSLA 2013): of the schedules with at most `maxPreemptions` preemptions,
    /// one per class of schedules that only reorder independent transitions, with
    /// conservative backtracking points so that no outcome of plain bounding is lost (the
    /// known-answer tests compare the two on every example). Sequential (one worker), with
    /// identical actors explored in every order.
    case reducedPreemptionBounded(maxPreemptions: Int = 2)
    /// Every schedule. With `reduction` (the default), dynamic partial-order reduction runs one
    /// schedule per class of schedules that differ only in the order of independent
    /// transitions (different objects, or two reads of a fence); without it, literally every
    /// schedule (known-answer tests, cross-checks of the reduction).
    case exhaustive(reduction: Bool = true)
    /// `executions` schedules, each choice uniform among the runnable threads, from `seed`.
    case random(seed: UInt64, executions: Int)
    /// PCT: `executions` schedules with bug depth `depth` (2 finds an ordering bug of two
    /// events, such as a lock inversion), from `seed`. The result's note prints the
    /// probability bound per execution, 1/(n·k^(d−1)) with k the decisions of a first run.
    case pct(depth: Int, seed: UInt64, executions: Int)

    /// Whether it runs the partial-order reduction, which needs every order of identical
    /// actors (its backtracking assumes the full transition system).
    var reduces: Bool {
        switch self {
        case .reducedPreemptionBounded: true
        case .exhaustive(let reduction): reduction
        case .preemptionBounded, .random, .pct: false
        }
    }

    /// The strategy field of replay strings: `pb2`, `bpor2`, `por`, `ex`, `rnd42`.
    public var code: String {
        switch self {
        case .preemptionBounded(let b): "pb\(b)"
        case .reducedPreemptionBounded(let b): "bpor\(b)"
        case .exhaustive(let reduction): reduction ? "por" : "ex"
        case .random(let seed, _): "rnd\(seed)"
        case .pct(let d, let seed, _): "pct\(d)s\(seed)"
        }
    }

    /// Whether an ``ExplorationShard`` can split it: the searches whose schedules are a tree
    /// walked without state shared between its branches.
    public var shardable: Bool {
        switch self {
        case .preemptionBounded: true
        case .exhaustive(let reduction): !reduction
        case .reducedPreemptionBounded, .random, .pct: false
        }
    }
}
