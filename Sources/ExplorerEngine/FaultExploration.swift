/// The explorer combined with fail-nth: the scenario explored once per injectable point of
/// its concurrent part, that point failing in every execution.
public struct FaultExploration: Sendable {
    /// One exploration per fault index, 1, 2, … up to the first that no execution reached.
    public var runs: [(fault: Int, result: ExplorationResult)]
    /// False when `maxFaults` stopped the sweep before a fault went unreached.
    public var complete: Bool

    /// Every run passed (no failing schedule, coverage aside: a fault may make an outcome
    /// unreachable by design).
    public var passed: Bool { runs.allSatisfy { $0.result.failures.isEmpty } }

    /// One line per fault index, then each failure with its `…:f<n>` replay string.
    public var report: String {
        var lines: [String] = []
        for (n, r) in runs {
            lines.append("f\(n): \(r.executions) executions, fault injected in \(r.faultInjections), \(r.failingExecutions) failing")
            lines += r.failures.flatMap(\.reportLines).map { "  " + $0 }
        }
        let last = runs.last?.fault ?? 0
        lines.append(complete ? "every injectable point swept: fault \(last) was reached by no execution"
                              : "stopped after \(last) fault indices (more remain)")
        return lines.joined(separator: "\n")
    }
}

extension Explorer {
    /// Explores the scenario with the 1st, 2nd, … injectable point reached while its actors
    /// run made to fail (devres allocations and actions, probe steps, cdev registration), until
    /// an index that no execution reaches, or `maxFaults`. In a faulted execution the steps'
    /// and events' expectations are not judged (the fault changes the story by design); hangs,
    /// findings and releases are. Each failure's replay string ends in `:f<n>`.
    public func exploreFaults(strategy: ExplorationStrategy = .preemptionBounded(maxPreemptions: 1),
                              maxFaults: Int = 64) -> FaultExploration {
        var runs: [(fault: Int, result: ExplorationResult)] = []
        for n in 1...max(1, maxFaults) {
            var e = self
            e.options.failNth = n
            let r = e.explore(strategy: strategy)
            runs.append((n, r))
            if r.faultInjections == 0 { return FaultExploration(runs: runs, complete: true) }
        }
        return FaultExploration(runs: runs, complete: false)
    }
}
