import Foundation

/// Iterative preemption bounding (Musuvathi and Qadeer, PLDI 2007), level by level: every
/// schedule with 0 preemptions, then 1, … up to `bound`, so the first failure found has the
/// fewest. Each schedule runs exactly once: an execution of a prefix adds, for each decision
/// after the prefix, the alternatives to the work list of their preemption count.
///
/// The work list of the current level is shared by the explorer's workers; a level starts
/// when the previous one is drained and no worker still runs one of its schedules (whose
/// alternatives may still land in it).
///
/// With a ``ExplorationShard``, only the schedules the shard owns are counted and judged; of
/// one it does not own only the alternatives above the shard's cut are followed (those below
/// it share its subtree, so they are another shard's).
struct BoundedSearch {
    let bound: Int
    var shard: ExplorationShard? = nil

    func explore(_ explorer: Explorer, _ run: ExplorationRun) {
        let frontier = Frontier(bound: bound)
        _ = explorer.onWorkers(explorer.workers) { worker, _ in
            while let prefix = frontier.take() {
                let e = worker.execute(ScheduleChooser(prefix: prefix))
                let owned = shard.map { $0.owns(e.decisions.map(\.chosen)) } ?? true
                let more = owned ? run.record(e, on: worker) : run.recordRepeat()
                let below = owned ? Int.max : shard?.depth ?? Int.max
                frontier.finished(e.decisions, alternatives: more ? alternatives(of: e, after: prefix, below: below) : [],
                                  stop: !more)
            }
        }
    }

    /// The schedules that branch from `e` after its forced prefix and before decision
    /// `below`: at decision `at`, thread `thread` instead, with the preemptions that makes.
    private func alternatives(of e: Execution, after prefix: [Int], below: Int) -> [Alternative] {
        var out: [Alternative] = []
        var preemptions = 0
        for (k, d) in e.decisions.enumerated() {
            if k >= below { break }
            if k >= prefix.count {
                for t in d.enabled.reversed() where t != d.chosen {
                    let p = preemptions + (Decision(enabled: d.enabled, current: d.current, chosen: t).isPreemption ? 1 : 0)
                    if p <= bound { out.append(Alternative(at: k, thread: t, preemptions: p)) }
                }
            }
            if d.isPreemption { preemptions += 1 }
        }
        return out
    }

    struct Alternative {
        var at: Int
        var thread: Int
        var preemptions: Int
    }

    /// The work lists, one per preemption count, and the level being explored.
    // Sendable: every field is read and written with `condition` locked.
    private final class Frontier: @unchecked Sendable {
        private let condition = NSCondition()
        private var buckets: [Int: PrefixStack] = [0: PrefixStack(holding: [])]
        private var level = 0
        private var running = 0
        private var stopped = false
        private let bound: Int

        init(bound: Int) { self.bound = bound }

        /// The next schedule to run; nil when the search is over. Waits while the level is
        /// empty but schedules of it are still running.
        func take() -> [Int]? {
            condition.lock()
            defer { condition.unlock() }
            while !stopped {
                if let prefix = buckets[level]?.pop() {
                    running += 1
                    return prefix
                }
                if running > 0 {
                    condition.wait()
                    continue
                }
                buckets[level] = nil
                guard let next = buckets.keys.min(), next <= bound else {
                    stopped = true
                    break
                }
                level = next
            }
            condition.broadcast()
            return nil
        }

        func finished(_ decisions: [Decision], alternatives: [Alternative], stop: Bool) {
            condition.lock()
            for a in alternatives {
                buckets[a.preemptions, default: PrefixStack()].push(decisions[..<a.at].lazy.map(\.chosen), then: a.thread)
            }
            running -= 1
            if stop { stopped = true }
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// Schedules to run (prefixes of thread choices), last in first out, two bytes per choice in
/// one buffer. A level of the canonical scenario's bound 3 holds ~170,000 of them: as arrays
/// of their own they fragmented the heap until malloc took a tenth of the exploration.
struct PrefixStack {
    private var choices: [UInt16] = []
    private var ends: [Int] = []

    init() {}

    init(holding prefix: [Int]) { push(prefix, then: nil) }

    mutating func push<C: Collection<Int>>(_ prefix: C, then last: Int?) {
        choices.append(contentsOf: prefix.lazy.map { UInt16(truncatingIfNeeded: $0) })
        if let last { choices.append(UInt16(truncatingIfNeeded: last)) }
        ends.append(choices.count)
    }

    mutating func pop() -> [Int]? {
        guard let end = ends.popLast() else { return nil }
        let start = ends.last ?? 0
        let prefix = choices[start..<end].map(Int.init)
        choices.removeLast(end - start)
        return prefix
    }
}
