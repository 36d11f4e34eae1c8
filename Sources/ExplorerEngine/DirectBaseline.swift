import Instrumentation

/// What the explorer costs per execution, against the same schedule without it: the
/// benchmark's measurement (`devmodel-bench explorer`), here because it needs the engine's
/// internals.
package struct DirectBaseline: Sendable {
    /// Nanoseconds per execution of the default schedule, explored (actor threads serialised
    /// at every scheduling point) and direct (the actors in turn on one thread, no controller).
    package var exploredNanoseconds: Double
    package var directNanoseconds: Double
    /// explored / direct, per round (each round runs both).
    package var roundRatios: [Double]
    /// Whether both ran the same schedule to the same outcome (else the ratio means nothing).
    package var sameOutcome: Bool
    /// Decisions per explored execution that changed the running thread (hand-offs forced by
    /// a thread finishing are not decisions and not counted).
    package var switches: Int

    /// The median of the rounds' ratios, and the smallest: robust to a round that a burst of
    /// load hit on one side only.
    package var ratio: Double { roundRatios.isEmpty ? 0 : roundRatios.sorted()[roundRatios.count / 2] }
    package var bestRatio: Double { roundRatios.min() ?? 0 }
}

extension Explorer {
    /// Runs the default schedule `rounds` × `perRound` times each way on one exploring thread,
    /// alternating the two in rounds so that a change of load hits both alike.
    package func measureDirectBaseline(rounds: Int = 9, perRound: Int = 200) -> DirectBaseline {
        onWorker { worker in
            var explored: UInt64 = 0
            var direct: UInt64 = 0
            var ratios: [Double] = []
            var outcomes = (explored: "", direct: "")
            var switches = 0
            for _ in 0..<max(1, rounds) {
                var t = monotonicNanoseconds()
                let before = (explored, direct)
                for _ in 0..<max(1, perRound) {
                    let e = worker.execute(ScheduleChooser())
                    outcomes.explored = e.verdict.outcome
                    switches = e.decisions.count { $0.current != nil && $0.current != $0.chosen }
                }
                explored &+= monotonicNanoseconds() &- t
                t = monotonicNanoseconds()
                for _ in 0..<max(1, perRound) { outcomes.direct = worker.execute(ScheduleChooser(), direct: true).verdict.outcome }
                direct &+= monotonicNanoseconds() &- t
                ratios.append(Double(explored &- before.0) / Double(max(1, direct &- before.1)))
            }
            let n = Double(max(1, rounds) * max(1, perRound))
            return DirectBaseline(exploredNanoseconds: Double(explored) / n, directNanoseconds: Double(direct) / n,
                                  roundRatios: ratios, sameOutcome: outcomes.explored == outcomes.direct, switches: switches)
        }
    }
}
