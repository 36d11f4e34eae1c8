import Foundation
import Instrumentation

/// How many schedules a strategy would run, estimated before running them (`--estimate`).
public struct SpaceEstimate: Sendable {
    /// Estimated schedules (exact for random and PCT: their execution count).
    public var schedules: Double
    /// Standard error of the estimate (0 when exact).
    public var standardError: Double
    /// Random walks made.
    public var probes: Int
    /// Mean wall-clock time of one execution during the probes (all workers together).
    public var secondsPerExecution: Double
    /// True for the reduced exhaustive search: the estimate is of the unreduced space, which
    /// the reduction only shrinks.
    public var isUpperBound: Bool

    /// `~11,300 schedules (± 3%, 200 probes), about 1.6 s at 7,000 executions/s`.
    public var description: String {
        let rate = secondsPerExecution > 0 ? 1 / secondsPerExecution : 0
        let seconds = schedules * secondsPerExecution
        let error = schedules > 0 && standardError > 0 ? " (± \(Int((100 * standardError / schedules).rounded()))%, \(probes) probes)" : ""
        return "\(isUpperBound ? "at most " : "")~\(Self.format(schedules)) schedules\(error), about "
            + "\(Self.duration(seconds)) at \(Int(rate)) executions/s"
    }

    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "∞" }
        if x >= 1e12 { return String(format: "%.2g", x) }
        let n = Int(x.rounded())
        var digits = Array(String(n))
        var i = digits.count - 3
        while i > 0 {
            digits.insert(",", at: i)
            i -= 3
        }
        return String(digits)
    }

    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "forever" }
        switch s {
        case ..<1: return "\(Int(s * 1000)) ms"
        case ..<120: return String(format: "%.1f s", s)
        case ..<7200: return "\(Int(s / 60)) min"
        case ..<(86_400 * 3): return "\(Int(s / 3600)) h"
        default: return String(format: "%.2g days", s / 86_400)
        }
    }
}

extension Explorer {
    /// Estimates the number of schedules `strategy` would run with `probes` random walks of
    /// Knuth's estimator (each a real execution), spread over the workers.
    public func estimate(strategy: ExplorationStrategy, probes: Int = 200, seed: UInt64 = 1) -> SpaceEstimate {
        let bound: Int
        switch strategy {
        case .random(_, let n), .pct(_, _, let n):
            return SpaceEstimate(schedules: Double(n), standardError: 0, probes: 0, secondsPerExecution: 0, isUpperBound: false)
        case .exhaustive: bound = Int.max
        case .preemptionBounded(let b), .reducedPreemptionBounded(let b): bound = max(0, b)
        }
        // The length of a default run sets the walks' preemption weights.
        let decisions = onWorker { $0.execute(ScheduleChooser()).decisions.count }
        var seeds = SplitMix64(seed: seed)
        let list = (0..<max(1, probes)).map { _ in seeds.next() }
        let start = monotonicNanoseconds()
        // By walk index, so the groups below do not depend on how the workers interleaved.
        let products = Locked([Double](repeating: 0, count: list.count))
        eachIndex(list.count) { worker, i in
            let chooser = ScheduleChooser(probeBound: bound, decisions: decisions, seed: list[i])
            _ = worker.execute(chooser)
            products.withLock { $0[i] = chooser.leavesEstimate }
            return true
        }
        let samples = products.withLock { $0 }
        let seconds = Double(monotonicNanoseconds() &- start) / 1e9
        // Median of means: the walks' products are heavy-tailed (one rare walk can weigh as
        // much as all others), so the plain mean of 1,000 walks still misses by 2.5× now and
        // then; the median of ten group means does not, at the price of a slight bias low.
        let groups = min(10, samples.count)
        let means = (0..<groups).map { g -> Double in
            let part = stride(from: g, to: samples.count, by: groups).map { samples[$0] }
            return part.reduce(0, +) / Double(part.count)
        }.sorted()
        let mean = groups % 2 == 1 ? means[groups / 2] : (means[groups / 2 - 1] + means[groups / 2]) / 2
        let average = means.reduce(0, +) / Double(groups)
        // Standard error from the spread of the group means.
        let variance = groups > 1 ? means.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(groups - 1) / Double(groups) : 0
        let reduced = strategy.reduces
        return SpaceEstimate(schedules: mean, standardError: variance.squareRoot(),
                             probes: samples.count, secondsPerExecution: seconds / Double(samples.count),
                             isUpperBound: reduced)
    }
}
