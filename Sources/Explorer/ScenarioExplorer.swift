import ExplorerEngine
import ScenarioModel

extension Explorer {
    /// Explores a scenario (see ``ExplorerEngine/ExplorationProgram/scenario(_:)``).
    public init(scenario: Scenario) { self.init(program: .scenario(scenario)) }
}

extension ReplayOutcome {
    /// The replayed scenario execution recorded in full, when tracing was asked for.
    public var scenarioTrace: ExecutionTrace? { trace as? ExecutionTrace }
}
