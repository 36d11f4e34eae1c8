import CharDev
import Foundation
import Scenarios

/// Builds the Scenarios module's record types (``StepOutcome``, ``Finding``,
/// ``EventRecord``), whose memberwise initialisers are internal to that module, through their
/// `Codable` conformance: one JSON round trip per execution.
///
/// Cost: ~microseconds per record; the explorer's largest per-execution overhead after the
/// board build. A public initialiser on those types would remove it (reported on issue 7).
enum Records {
    struct Outcome: Codable {
        var actor: String
        var index: Int
        var label: String?
        var action: String
        var errno: String?
        var message: String?
        var returns: ScenarioValue?
        var revents: [String]?
        var blocked = false
        var startNanoseconds: UInt64
        var endNanoseconds: UInt64?
        var finished = false
    }

    struct FindingData: Codable {
        var kind: String
        var object: String
        var detail: String
        var site: String
    }

    struct Event: Codable {
        var sequence: UInt64
        var timeNanoseconds: UInt64
        var kind: String
        var object: String
        var detail: String
        var site: String
        var actor: String?
    }

    struct Bundle<S: Codable, F: Codable, E: Codable>: Codable {
        var steps: [S]
        var findings: [F]
        var events: [E]
    }

    /// The public records for these values; empty arrays if the round trip fails (it cannot
    /// for values built here, but nothing may crash).
    static func convert(steps: [Outcome], findings: [FindingData], events: [Event])
        -> (steps: [StepOutcome], findings: [Finding], events: [EventRecord]) {
        do {
            let data = try JSONEncoder().encode(Bundle(steps: steps, findings: findings, events: events))
            let b = try JSONDecoder().decode(Bundle<StepOutcome, Finding, EventRecord>.self, from: data)
            return (b.steps, b.findings, b.events)
        } catch {
            return ([], [], [])
        }
    }

    /// Only the outcomes the evaluator reads — steps with expectations (a `wait` always has
    /// one), and steps a `within:` names — with a value only where one is expected: the
    /// conversion is the explorer's costliest step per execution.
    static func judged(_ steps: [Outcome], in s: Scenario) -> [Outcome] {
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

    /// `["POLLERR", "POLLHUP"]` for a set of poll bits (the runner's rendering).
    static func pollNames(_ bits: PollEvents) -> [String] {
        let names: [(PollEvents, String)] = [(.in, "POLLIN"), (.pri, "POLLPRI"), (.out, "POLLOUT"),
                                             (.err, "POLLERR"), (.hup, "POLLHUP"), (.nval, "POLLNVAL")]
        return names.filter { bits.contains($0.0) }.map(\.1)
    }
}
