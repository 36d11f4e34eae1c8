import ExplorerEngine
import Foundation
import ScenarioModel

/// Identical actors, explored once: when two actors run the same steps on handles of their
/// own, a schedule in which the second starts before the first is the mirror image of one in
/// which the first starts first (rename the two and the outcomes swap). So among identical
/// actors that have not run yet, only the lowest-numbered may be chosen: with k identical
/// actors that keeps 1/k! of the orders in which they start.
enum Symmetry {
    /// Classes (sorted thread indices, two or more each) of interchangeable actors: same steps
    /// once each actor's own handle names are numbered in order of definition; no labels,
    /// `after:` or `wait` (nothing else can tell them apart); no handle shared with another
    /// actor.
    static func classes(of s: Scenario) -> [[Int]] {
        let defined = s.actors.map { Set($0.steps.compactMap(\.definedHandle)) }
        var groups: [String: [Int]] = [:]
        for (i, actor) in s.actors.enumerated() {
            guard let key = signature(actor, own: defined[i], others: defined.indices.filter { $0 != i }.map { defined[$0] }) else { continue }
            groups[key, default: []].append(i)
        }
        return groups.values.filter { $0.count > 1 }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }

    private static func signature(_ actor: ActorSpec, own: Set<String>, others: [Set<String>]) -> String? {
        var order: [String] = []
        for step in actor.steps {
            if step.label != nil || step.after != nil { return nil }
            if case .wait = step.action { return nil }
            if let h = step.definedHandle, !order.contains(h) { order.append(h) }
            if let f = step.action.fileHandle, !own.contains(f) { return nil }
        }
        if others.contains(where: { !$0.isDisjoint(with: own) }) { return nil }
        var text = actor.steps.map { step -> String in
            var s = step
            s.location = nil
            return String(describing: s)
        }.joined(separator: "\n")
        // Longest names first, so that a name inside another is not replaced first.
        for (k, name) in order.enumerated().sorted(by: { $0.element.count > $1.element.count }) {
            let pattern = "\\b" + NSRegularExpression.escapedPattern(for: name) + "\\b"
            text = text.replacingOccurrences(of: pattern, with: "⟨\(k)⟩", options: .regularExpression)
        }
        return text
    }
}
