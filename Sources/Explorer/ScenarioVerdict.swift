import ExplorerEngine
import ScenarioModel

/// What the explorer made of one scenario: the typed finding kinds of its most telling
/// failing schedule and that schedule's replay string. The one way a scenario is judged
/// "shows these findings" or "explores clean" — by the bug corpus (`devmodel bugs`) and by
/// the lint's witnesses (`devmodel lint --witness`).
public struct ScenarioVerdict: Sendable {
    /// The finding kinds of the chosen failing schedule ("failed-expectation" when it failed
    /// without a finding); empty when no schedule failed.
    public var kinds: [String]
    /// The chosen failing schedule (`devmodel explore FILE --replay …`), nil when none failed.
    public var replay: String?
    public var preemptions: Int?
    public var executions: Int
    public var failingExecutions: Int

    /// Whether a failing schedule shows every kind of `wanted`.
    public func shows(_ wanted: [String]) -> Bool { replay != nil && Set(wanted).isSubset(of: kinds) }
    /// No schedule failed.
    public var isClean: Bool { failingExecutions == 0 }

    /// Explores `scenario` at two preemptions, up to the first failing schedule that shows
    /// every wanted kind (or, wanting none, up to the first failure), reading the kinds from
    /// the replayed execution's typed findings, never from report text.
    ///
    /// Cost: a preemption-bounded exploration (bound 2) plus one traced replay per failing
    /// schedule looked at. Runs the actors on their own threads; call from any one thread.
    public static func explore(_ scenario: Scenario, wanting kinds: [String]) -> ScenarioVerdict {
        var explorer = Explorer(scenario: scenario)
        explorer.stopAtFirstFailure = kinds.isEmpty
        let r = explorer.explore(strategy: .preemptionBounded(maxPreemptions: 2))
        var best: (kinds: [String], failure: ExplorationFailure)?
        for failure in r.failures {
            guard let trace = (try? explorer.replay(failure.replay, tracing: true))?.scenarioTrace else {
                best = best ?? (["failed-expectation"], failure)
                continue
            }
            // A failing schedule without a finding failed an expectation (or its setup): it
            // counts, so a fixed file that fails that way is not clean.
            let found = trace.run.findings.isEmpty ? ["failed-expectation"] : Set(trace.run.findings.map(\.kind.rawValue)).sorted()
            if best == nil || Set(kinds).isSubset(of: found) { best = (found, failure) }
            if Set(kinds).isSubset(of: found) { break }
        }
        return ScenarioVerdict(kinds: best?.kinds ?? [], replay: best?.failure.replay, preemptions: best?.failure.preemptions,
                               executions: r.executions, failingExecutions: r.failingExecutions)
    }
}
