/// What an exploration found.
public struct ExplorationResult: Sendable {
    /// Executions run (each a full run of the program under one schedule).
    public var executions: Int
    /// Distinct failures (by their text), in the order found: with preemption bounding the
    /// first has the fewest preemptions.
    public var failures: [ExplorationFailure]
    /// Executions that failed (several may share one distinct failure).
    public var failingExecutions: Int
    /// Distinct observable outcomes (per-step errnos for scenarios) and how often each occurred.
    public var outcomes: [String: Int]
    /// The outcomes of the failing executions (a subset of ``outcomes``) and how often each
    /// failed: what a second model checker's verdicts are compared with.
    public var failingOutcomes: [String: Int] = [:]
    /// False when `maxExecutions` stopped the exploration before the strategy's space was done.
    public var complete: Bool
    /// Wall-clock time of the whole exploration.
    public var seconds: Double
    /// What the strategy guarantees, when it has a figure (PCT's probability bound).
    public var note: String?
    /// Coverage assertions that no execution satisfied (see ``ExplorationProgram/reachable``).
    public var unreached: [String] = []
    /// Executions in which the armed fault (``ExplorationOptions/failNth``) was injected.
    public var faultInjections = 0
    /// The program's content hash, the strategy field of its replay strings (`pb3,all-orders`)
    /// and the slice explored: what ``ExplorationReport/merge(_:)`` checks before joining.
    public var programHash = ""
    public var strategyCode = ""
    public var shard: ExplorationShard?
    /// With a shard: executions of other shards' schedules, run only to find the
    /// alternatives above the cut (not in ``executions``).
    public var shardRepeats = 0

    /// No failing schedule and every coverage assertion reached.
    public var passed: Bool { failures.isEmpty && unreached.isEmpty }

    /// One replay string per distinct failure.
    public var replayStrings: [String] { failures.map(\.replay) }
    /// Executions divided by wall-clock seconds (0 when nothing was timed).
    public var executionsPerSecond: Double { seconds > 0 ? Double(executions) / seconds : 0 }

    /// A plain-text report: the totals, then each distinct failure with its reasons and its
    /// replay string.
    public var report: String {
        var lines = ["\(executions) executions\(complete ? "" : " (stopped early)") in "
            + "\(Int(seconds * 1000)) ms (\(Int(executionsPerSecond))/s), \(outcomes.count) distinct outcomes, "
            + "\(failingExecutions) failing"]
        if let shard {
            lines.append("shard \(shard.description) (cut at \(shard.depth) choices): \(shardRepeats) executions of other shards' "
                + "schedules run to find the alternatives above the cut")
        }
        if let note { lines.append(note) }
        for u in unreached {
            lines.append("NOT REACHED: \(u) in none of the \(executions) executions\(complete ? "" : " run so far")")
        }
        lines += failures.flatMap(\.reportLines)
        return lines.joined(separator: "\n")
    }
}

/// How far an exploration has got (see ``Explorer/progress``).
public struct ExplorationProgress: Sendable {
    public var executions: Int
    public var failingExecutions: Int
    /// Distinct failures kept so far.
    public var failures: Int
    public var seconds: Double

    public var executionsPerSecond: Double { seconds > 0 ? Double(executions) / seconds : 0 }
}

/// One failing schedule: why, and the string that reproduces it.
public struct ExplorationFailure: Sendable, Equatable {
    /// The failed expectations, findings, or the hang / livelock explanation.
    public var reasons: [String]
    /// `dm1:…`: pass it to ``Explorer/replay(_:tracing:)`` or `devmodel explore --replay`.
    public var replay: String
    /// Preemptions in the failing schedule (with preemption bounding, the fewest possible
    /// for the first failure).
    public var preemptions: Int
    /// True when replaying the string a second time gave the same reasons.
    public var reproduced: Bool
    /// The failing schedule that was shrunk into ``replay``: the first of this failure's
    /// schedules in the fixed order of ``ScheduleKey`` (how shards' results are joined).
    public var found = ScheduleKey(preemptions: 0, choices: [])

    /// `FAIL (n preemptions)`, the reasons and the replay string, as the reports print them.
    var reportLines: [String] {
        ["FAIL (\(preemptions) preemptions\(reproduced ? "" : ", NOT reproduced on replay"))"]
            + reasons.map { "  \($0)" } + ["  replay: \(replay)"]
    }
}

/// One execution, replayed.
public struct ReplayOutcome: Sendable {
    /// What the replayed execution showed (a divergence is one of its failures).
    public var verdict: Verdict
    /// The replay string of what actually ran (equal to the input unless it diverged).
    public var replay: String
    /// The execution recorded in full, when asked for (scenarios only).
    public var trace: (any Sendable)?
}
