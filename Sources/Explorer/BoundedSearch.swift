import Foundation

/// Iterative preemption bounding (Musuvathi and Qadeer, PLDI 2007), level by level: every
/// schedule with 0 preemptions, then 1, … up to `bound`, so the first failure found has the
/// fewest. Each schedule runs exactly once: an execution of a prefix adds, for each decision
/// after the prefix, the alternatives to the work list of their preemption count.
///
/// The work list of the current level is shared by the explorer's workers; a level starts
/// when the previous one is drained and no worker still runs one of its schedules (whose
/// alternatives may still land in it).
struct BoundedSearch {
    let bound: Int

    func explore(_ explorer: Explorer, _ run: ExplorationRun) {
        let frontier = Frontier(bound: bound)
        _ = explorer.onWorkers(explorer.workers) { worker, _ in
            while let prefix = frontier.take() {
                let e = worker.execute(ScheduleChooser(prefix: prefix))
                let more = run.record(e, on: worker)
                frontier.finished(alternatives: more ? alternatives(of: e, after: prefix) : [], stop: !more)
            }
        }
    }

    /// The schedules that branch from `e` after its forced prefix, with their preemptions.
    private func alternatives(of e: Execution, after prefix: [Int]) -> [(prefix: [Int], preemptions: Int)] {
        var out: [(prefix: [Int], preemptions: Int)] = []
        var preemptions = 0
        for (k, d) in e.decisions.enumerated() {
            if k >= prefix.count {
                for t in d.enabled.reversed() where t != d.chosen {
                    let p = preemptions + (Decision(enabled: d.enabled, current: d.current, chosen: t).isPreemption ? 1 : 0)
                    if p <= bound { out.append((e.decisions[..<k].map(\.chosen) + [t], p)) }
                }
            }
            if d.isPreemption { preemptions += 1 }
        }
        return out
    }

    /// The work lists, one per preemption count, and the level being explored.
    private final class Frontier: @unchecked Sendable {
        private let condition = NSCondition()
        private var buckets: [Int: [[Int]]] = [0: [[]]]
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
                if let prefix = buckets[level]?.popLast() {
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

        func finished(alternatives: [(prefix: [Int], preemptions: Int)], stop: Bool) {
            condition.lock()
            for a in alternatives { buckets[a.preemptions, default: []].append(a.prefix) }
            running -= 1
            if stop { stopped = true }
            condition.broadcast()
            condition.unlock()
        }
    }
}
