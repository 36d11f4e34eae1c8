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
final class ScheduleChooser: @unchecked Sendable {
    let prefix: [Int]
    /// A replay: the prefix must be followed exactly and cover every decision.
    let strict: Bool
    private var random: SplitMix64?
    private(set) var divergence: String?

    private var pct: PCT?

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
