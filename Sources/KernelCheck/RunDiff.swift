import Foundation
import ScenarioModel

/// The step-by-step comparison of the model's run of a scenario with Linux's run of the same
/// file: errno, returned value, poll bits, and whether a read or poll slept (blocked, then
/// woken).
///
/// Guarantee: every step either run names appears once, in the scenario's actor and step
/// order. A step whose label the scenario lists under `reachable:` is racy by design: Linux
/// agrees when its errno is one of the outcomes listed for that label. Cost: linear in the
/// steps. Thread-safe: a pure function.
public enum RunDiff {
    /// How one step compares.
    public enum Verdict: String, Sendable, Codable {
        /// Same outcome on every compared field.
        case same
        /// A racy step whose outcomes differ, but Linux's is one the scenario declares reachable
    /// or one another run of the model produced.
        case reachable
        /// Linux has no user-space call for the step; not compared.
        case skipped
        /// Differs, but the actor had waited (`after:`) for a step Linux skipped: its state
        /// past that point is not the model's (a watchdog that was never unbound).
        case afterSkipped = "after-skipped"
        case differs
    }

    /// One step of the comparison.
    public struct Row: Sendable, Codable, Equatable {
        public var actor: String
        public var index: Int
        public var label: String?
        public var action: String
        public var model: String
        public var kernel: String
        public var verdict: Verdict
        /// The fields that differ (`errno`, `returns`, `revents`, `blocked`, `finished`).
        public var fields: [String]
    }

    /// Compares `model` with `kernel`; `scenario` supplies step order and `reachable:`.
    public static func compare(_ scenario: Scenario, model: RunRecord, kernel: RunRecord) -> [Row] {
        compare(scenario, models: [model], kernel: kernel)
    }

    /// Compares Linux's run with several runs of the model (`devmodel run --repeat N`): the
    /// first model run is the one shown; a step whose outcome differs from it but equals the
    /// outcome of another model run is `reachable` (the two took different schedules, and the
    /// model can take Linux's).
    public static func compare(_ scenario: Scenario, models: [RunRecord], kernel: RunRecord) -> [Row] {
        var rows: [Row] = []
        let skippedLabels = Set(kernel.steps.filter(\.skipped).compactMap(\.label))
        for actor in scenario.actors {
            var afterSkipped = false
            for (index, spec) in actor.steps.enumerated() {
                if let after = spec.after, skippedLabels.contains(after) { afterSkipped = true }
                let ms = models.map { run in run.steps.first { $0.actor == actor.name && $0.index == index } }
                let m = ms.first ?? nil
                let k = kernel.steps.first { $0.actor == actor.name && $0.index == index }
                var row = Row(actor: actor.name, index: index, label: spec.label, action: spec.action.keyword,
                              model: m.map(render) ?? "not run", kernel: k.map(render) ?? "not run", verdict: .same, fields: [])
                if let k, k.skipped {
                    row.verdict = .skipped
                } else if let m, let k {
                    row.fields = differingFields(m, k)
                    if !row.fields.isEmpty {
                        let allowed = scenario.expect.reachable.filter { $0.label == spec.label }.map(\.errno)
                        let declared = allowed.contains(k.errno ?? "OK") && allowed.contains(m.errno ?? "OK") && row.fields == ["errno"]
                        let seen = ms.dropFirst().contains { other in other.map { differingFields($0, k).isEmpty } ?? false }
                        row.verdict = declared || seen ? .reachable : afterSkipped ? .afterSkipped : .differs
                    }
                } else if (m == nil) != (k == nil) {
                    row.fields = ["finished"]
                    row.verdict = afterSkipped ? .afterSkipped : .differs
                }
                rows.append(row)
            }
        }
        return rows
    }

    /// The fields on which two outcomes of the same step differ. `blocked` is compared only for
    /// `read` and `poll`, where sleeping is the behaviour under test; elsewhere a sleep is a
    /// lock's contention and says nothing about the model.
    public static func differingFields(_ m: StepRecord, _ k: StepRecord) -> [String] {
        var fields: [String] = []
        if m.errno != k.errno { fields.append("errno") }
        if !sameValue(m.returns, k.returns) { fields.append("returns") }
        if Set(m.revents ?? []) != Set(k.revents ?? []) { fields.append("revents") }
        if ["read", "poll"].contains(m.keyword), m.blocked != k.blocked { fields.append("blocked") }
        if m.finished != k.finished { fields.append("finished") }
        return fields
    }

    static func sameValue(_ a: ScenarioValue?, _ b: ScenarioValue?) -> Bool {
        switch (a, b) {
        case (nil, nil), (nil, .null?), (.null?, nil): true
        case (let a?, let b?): a.isSatisfied(by: b) && b.isSatisfied(by: a)
        default: false
        }
    }

    /// `ENODEV`, `OK 1`, `OK [POLLERR|POLLHUP] blocked`, `unfinished`, or for a step that
    /// ended only once the actors were interrupted `unfinished (EINTR at 2001 ms, after the deadline)`.
    public static func render(_ s: StepRecord) -> String {
        guard s.finished else {
            guard let late = s.late else { return "unfinished" }
            return "unfinished (\(late.errno) at \(late.endNanoseconds / 1_000_000) ms, after the deadline)"
        }
        var parts = [s.errno ?? "OK"]
        if let r = s.returns, r != .null { parts.append(r.description) }
        if let e = s.revents { parts.append("[" + e.sorted().joined(separator: "|") + "]") }
        if s.blocked { parts.append("blocked") }
        return parts.joined(separator: " ")
    }

    /// A plain-text table, one line per step, then `N same, N reachable, N skipped, N differ`
    /// (and `, N after a skipped step` when there are any).
    public static func table(_ rows: [Row], scenario: String) -> String {
        var out = ["== \(scenario)"]
        let header = ["step", "model", "linux", "verdict"]
        var cells = rows.map { r in
            ["\(r.actor)[\(r.index)] \(r.action)\(r.label.map { " (\($0))" } ?? "")", r.model, r.kernel,
             r.verdict == .differs ? "DIFFERS: " + r.fields.joined(separator: ",")
                : r.verdict == .afterSkipped ? "after a skipped step: " + r.fields.joined(separator: ",") : r.verdict.rawValue]
        }
        cells.insert(header, at: 0)
        let widths = (0..<header.count).map { c in cells.map { $0[c].count }.max() ?? 0 }
        for row in cells {
            out.append(row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces())
        }
        let count = { (v: Verdict) in rows.count { $0.verdict == v } }
        let tail = count(.afterSkipped) > 0 ? ", \(count(.afterSkipped)) after a skipped step" : ""
        out.append("\(count(.same)) same, \(count(.reachable)) reachable, \(count(.skipped)) skipped, \(count(.differs)) differ\(tail)")
        return out.joined(separator: "\n") + "\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
