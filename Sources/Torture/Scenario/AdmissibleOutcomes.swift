import ScenarioModel

/// Which outcomes of a step a torture run accepts, from the scenario alone.
///
/// Under real races a step's `expect: {errno: …}` states the outcome of the schedule the
/// author had in mind, not of every schedule; the scenario's `reachable:` list names the
/// other outcomes a race may legitimately give (the explorer checks each occurs). So a step's
/// admissible errnos are its `expect` errno plus every `reachable` entry of its label. A step
/// with an `expect` errno and no `reachable` entry must give that errno in every iteration;
/// a step with neither is only counted. A `wait:` step must succeed unless stated otherwise
/// (as under `run`). The other expectations (`returns`, `revents`, `blocks`, `within`) are
/// timing-dependent on real threads and are not judged here.
///
/// Cost: built once per scenario, one dictionary lookup per step outcome.
public struct AdmissibleOutcomes: Sendable {
    /// A step: its actor and 0-based index.
    public struct StepKey: Hashable, Sendable {
        public let actor: String
        public let index: Int
    }

    /// Admissible errno names ("OK" for success) of every judged step.
    public let admissible: [StepKey: Set<String>]
    /// The name a report shows for each step kept: its label, else `actor[step N]`.
    public let names: [StepKey: String]
    /// Steps shown in the outcome histogram, in scenario order: labelled or judged.
    public let shown: [StepKey]

    public init(_ scenario: Scenario) {
        var reachable: [String: Set<String>] = [:]
        for r in scenario.expect.reachable { reachable[r.label, default: []].insert(r.errno) }
        var admissible: [StepKey: Set<String>] = [:]
        var names: [StepKey: String] = [:]
        var shown: [StepKey] = []
        for actor in scenario.actors {
            for (i, step) in actor.steps.enumerated() {
                let key = StepKey(actor: actor.name, index: i)
                var errno = step.expect.errno
                if case .wait = step.action, errno == nil { errno = "OK" }
                var allowed = step.label.flatMap { reachable[$0] } ?? []
                if let errno { allowed.insert(errno) }
                if !allowed.isEmpty { admissible[key] = allowed }
                if step.label != nil || !allowed.isEmpty {
                    names[key] = step.label ?? "\(actor.name)[step \(i + 1)]"
                    shown.append(key)
                }
            }
        }
        self.admissible = admissible
        self.names = names
        self.shown = shown
    }

    /// True when `errno` (nil: success) is admissible for the step, or the step is not judged.
    public func admits(actor: String, index: Int, errno: String?) -> Bool {
        guard let allowed = admissible[StepKey(actor: actor, index: index)] else { return true }
        return allowed.contains(errno ?? "OK")
    }
}
