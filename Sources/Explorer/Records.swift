import ExplorerEngine
import ScenarioExecution
import ScenarioModel

/// Helpers that turn one explored execution into the records the expectation evaluator reads.
enum Records {
    /// Only the outcomes the evaluator reads — steps with expectations (a `wait` always has
    /// one), and steps a `within:` names — with a value only where one is expected.
    static func judged(_ steps: [StepOutcome], in s: Scenario) -> [StepOutcome] {
        let referenced = Set(s.actors.flatMap { $0.steps.compactMap { $0.expect.within?.label } })
        let specs = Dictionary(s.actors.map { ($0.name, $0.steps) }, uniquingKeysWith: { a, _ in a })
        return steps.compactMap { o in
            guard let spec = specs[o.actor], o.index < spec.count else { return nil }
            let step = spec[o.index]
            var isWait = false
            if case .wait = step.action { isWait = true }
            guard !step.expect.isEmpty || isWait || step.label.map(referenced.contains) == true else { return nil }
            var kept = o
            if step.expect.returns == nil { kept.returns = nil }
            return kept
        }
    }
}
