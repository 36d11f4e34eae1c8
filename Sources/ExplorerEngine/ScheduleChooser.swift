import Instrumentation
/// One scheduling decision of an execution: the threads that could run, the thread that had
/// just yielded (nil at the start), and the thread chosen.
struct Decision: Sendable, Equatable {
    var enabled: [Int]
    var current: Int?
    var chosen: Int

    /// Switching away from a thread that could still run.
    var isPreemption: Bool { current.map { enabled.contains($0) && $0 != chosen } ?? false }
}

/// Picks the next thread at each decision: first from a forced prefix (DFS, replay), then
/// either at random (seeded) or by the non-preempting default (keep the current thread if it
/// can run, else the lowest-numbered one). Used under the serializer's lock only.
// Sendable: used under the serializer's state lock only, one decision at a time.
final class ScheduleChooser: @unchecked Sendable {
    let prefix: [Int]
    /// A replay: the prefix must be followed exactly and cover every decision.
    let strict: Bool
    private var random: SplitMix64?
    private(set) var divergence: String?

    private var pct: PCT?
    private var probe: KnuthProbe?

    /// A random walk of Knuth's estimator through the schedules with at most `bound`
    /// preemptions; read ``leavesEstimate`` after the execution.
    init(probeBound bound: Int, decisions: Int, seed: UInt64) {
        prefix = []
        strict = false
        probe = KnuthProbe(bound: bound, decisions: decisions, random: SplitMix64(seed: seed))
    }

    /// The probe's estimate of the number of schedules: the product of the number of allowed
    /// choices at each decision it made.
    var leavesEstimate: Double { probe?.product ?? 1 }

    init(prefix: [Int] = [], strict: Bool = false, seed: UInt64? = nil) {
        self.prefix = prefix
        self.strict = strict
        random = seed.map(SplitMix64.init)
    }

    /// A PCT schedule (Burckhardt et al., ASPLOS 2010) for `threads` threads, about `steps`
    /// decisions and bug depth `depth`.
    init(pctThreads threads: Int, steps: Int, depth: Int, seed: UInt64) {
        prefix = []
        strict = false
        pct = PCT(threads: threads, steps: steps, depth: depth, seed: seed)
    }

    func choose(at index: Int, enabled: [Int], current: Int?) -> Int {
        if index < prefix.count {
            let wanted = prefix[index]
            if enabled.contains(wanted) { return wanted }
            divergence = "decision \(index + 1): thread \(wanted) cannot run (runnable: \(enabled))"
            return enabled[0]
        }
        if strict && divergence == nil {
            divergence = "decision \(index + 1): the replay string has only \(prefix.count) choices"
        }
        if pct != nil { return pct!.choose(at: index, enabled: enabled) }
        if probe != nil { return probe!.choose(at: index, enabled: enabled, current: current) }
        if random != nil {
            let r = random!.next()
            return enabled[Int(r % UInt64(enabled.count))]
        }
        if let current, enabled.contains(current) { return current }
        return enabled[0]
    }
}

/// Probabilistic concurrency testing: random distinct thread priorities (all above `depth`),
/// `depth − 1` random change points among the decisions; at each decision the runnable
/// thread of highest priority runs, and at the i-th change point it first drops to priority
/// i. A bug of depth d is found by one execution with probability ≥ 1/(n·k^(d−1)).
struct PCT: Sendable {
    private var priorities: [Int]
    private var changes: [Int: Int]

    init(threads: Int, steps: Int, depth: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var order = Array(0..<max(threads, 0))
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        let d = max(depth, 1)
        priorities = order.map { $0 + d }
        changes = [:]
        let k = max(steps, 1)
        for i in 1..<d { changes[Int(rng.next() % UInt64(k))] = i }
    }

    mutating func choose(at index: Int, enabled: [Int]) -> Int {
        var best = highest(enabled)
        if let low = changes[index] {
            priorities[best] = low
            best = highest(enabled)
        }
        return best
    }

    private func highest(_ enabled: [Int]) -> Int {
        enabled.max { priorities[$0] < priorities[$1] } ?? enabled[0]
    }
}

/// Knuth's estimator of the size of a search tree (Math. Comp. 29, 1975), with importance
/// sampling: walk from the root choosing child c with probability q(c) and multiply 1/q(c);
/// the mean of the products over many walks is an unbiased estimate of the number of leaves,
/// whatever q is, and the closer q is to the children's share of the leaves, the smaller
/// the variance. With a preemption bound, staying with the current thread keeps the whole
/// budget for the rest of the run, so it leads to far more schedules than a preemption here;
/// choosing uniformly would spend the budget at once and underestimate by an order of
/// magnitude. Each preempting child gets weight r / (d − i) against 1 for staying (r budget
/// left, i decisions made of the d a default run makes): about the ratio of their subtrees.
struct KnuthProbe: Sendable {
    let bound: Int
    let decisions: Int
    var random: SplitMix64
    var preemptions = 0
    var product = 1.0

    mutating func choose(at index: Int, enabled: [Int], current: Int?) -> Int {
        let allowed = enabled.filter { preemptions + (Self.preempts($0, enabled, current) ? 1 : 0) <= bound }
        guard allowed.count > 1 else {
            if let only = allowed.first, Self.preempts(only, enabled, current) { preemptions += 1 }
            return allowed.first ?? enabled[0]
        }
        let budget = bound == Int.max ? Int.max : bound - preemptions
        let switchWeight = budget == Int.max ? 1.0 : Double(budget) / Double(max(1, decisions - index))
        let weights = allowed.map { Self.preempts($0, enabled, current) ? switchWeight : 1.0 }
        let total = weights.reduce(0, +)
        var x = Double(random.next() >> 11) / Double(1 << 53) * total
        var k = 0
        while k < allowed.count - 1 && x >= weights[k] {
            x -= weights[k]
            k += 1
        }
        product *= total / weights[k]
        if Self.preempts(allowed[k], enabled, current) { preemptions += 1 }
        return allowed[k]
    }

    private static func preempts(_ t: Int, _ enabled: [Int], _ current: Int?) -> Bool {
        Decision(enabled: enabled, current: current, chosen: t).isPreemption
    }
}
