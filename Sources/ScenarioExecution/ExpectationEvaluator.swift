import ScenarioModel
import Sanitizer
import DriverCore
import Instrumentation

/// Turns a scenario's expectations and a run's outcomes into verdicts, each with its reason.
///
/// Depends only on what any executor can produce — step outcomes, findings and the event
/// records — so the threaded runner and an explorer give the same verdicts for the same
/// outcomes. Cost: linear in steps plus events.
public enum ExpectationEvaluator {
    /// Every expectation of `s` (per step, then global), in scenario order.
    public static func evaluate(_ s: Scenario, steps: [StepOutcome], findings: [FindingRecord],
                                events: [EventRecord]) -> [ExpectationResult] {
        var out: [ExpectationResult] = []
        let outcomes = Dictionary(grouping: steps, by: \.actor)
        let labelled = Dictionary(steps.compactMap { o in o.label.map { ($0, o) } }, uniquingKeysWith: { a, _ in a })
        for actor in s.actors {
            for (i, step) in actor.steps.enumerated() {
                var expect = step.expect
                // A wait that was never satisfied is a failed synchronisation, stated or not.
                if case .wait = step.action, expect.errno == nil { expect.errno = "OK" }
                if expect.isEmpty { continue }
                let name = "\(actor.name)[\(step.label ?? "step \(i + 1)")]"
                guard let o = outcomes[actor.name]?.first(where: { $0.index == i }), o.finished else {
                    out.append(ExpectationResult(name: name, passed: false, detail: "the step never finished"))
                    continue
                }
                out += check(expect, outcome: o, name: name, labelled: labelled)
            }
        }
        let hangs = findings.filter { $0.kind == .hang }
        if s.expect.noHang {
            out.append(ExpectationResult(name: "no_hang", passed: hangs.isEmpty,
                                         detail: hangs.isEmpty ? "every actor finished"
                                             : hangs.map { "\($0.object) \($0.detail)" }.joined(separator: "; ")))
        }
        if let wanted = s.expect.findings {
            let n = findings.count
            out.append(ExpectationResult(name: "findings: \(wanted)", passed: n == wanted,
                                         detail: n == wanted ? "\(n) findings"
                                             : "\(n) findings: " + findings.map { "\($0.kind.rawValue) \($0.object)" }.joined(separator: ", ")))
        }
        if !s.expect.findingKinds.isEmpty {
            let found = Set(findings.map(\.kind.rawValue))
            let wanted = Set(s.expect.findingKinds)
            out.append(ExpectationResult(name: "finding_kinds: \(s.expect.findingKinds.joined(separator: ", "))",
                                         passed: found.isSubset(of: wanted),
                                         detail: "found: \(found.sorted().joined(separator: ", "))"))
        }
        for name in s.expect.released {
            // Objects are told apart by their `device.initialize` … `device.release` pairs.
            let created = events.filter { $0.kind == EventKind.deviceInitialize.rawValue && $0.object == name }.count
            let released = events.filter { $0.kind == EventKind.deviceRelease.rawValue && $0.object == name }.count
            let ok = created > 0 && released >= created
            out.append(ExpectationResult(name: "released \(name)", passed: ok,
                                         detail: ok ? "released" : "\(created - released) of \(created) objects named \(name) still alive"))
        }
        if !s.expect.events.isEmpty {
            out.append(subsequence(s.expect.events, in: events))
        }
        return out
    }

    static func check(_ e: StepExpectation, outcome o: StepOutcome, name: String,
                      labelled: [String: StepOutcome]) -> [ExpectationResult] {
        var out: [ExpectationResult] = []
        let got = o.errno ?? "OK"
        if let want = e.errno {
            out.append(ExpectationResult(name: "\(name) errno \(want)", passed: want == got,
                                         detail: want == got ? "got \(got)" : "got \(got)\(o.message.map { " (\($0))" } ?? "")"))
        }
        if let want = e.returns {
            let ok = o.returns.map { want.isSatisfied(by: $0) } ?? false
            out.append(ExpectationResult(name: "\(name) returns \(want)", passed: ok,
                                         detail: "got \(o.returns?.description ?? "nothing")\(o.errno.map { " (\($0))" } ?? "")"))
        }
        if let want = e.revents {
            let have = o.revents ?? []
            let ok = Set(want) == Set(have)
            out.append(ExpectationResult(name: "\(name) revents \(want.joined(separator: "|"))", passed: ok,
                                         detail: "got \(have.isEmpty ? "0" : have.joined(separator: "|"))"))
        }
        if let want = e.blocks {
            out.append(ExpectationResult(name: "\(name) blocks \(want)", passed: want == o.blocked,
                                         detail: o.blocked ? "the step blocked" : "the step did not block"))
        }
        if let w = e.within {
            // Passes when the step ended after the labelled step began (it may be woken by it,
            // before it returns) and no later than `w` after the labelled step ended.
            let name = "\(name) within \(Durations.render(w.nanoseconds)) after \(w.label)"
            if let l = labelled[w.label], l.finished, let ref = l.endNanoseconds, let end = o.endNanoseconds {
                let begin = l.startNanoseconds
                let ok = end >= begin && end <= ref &+ w.nanoseconds
                let detail = end >= ref ? "finished \(end - ref) ns after \(w.label) returned"
                    : end >= begin ? "finished while \(w.label) ran, \(ref - end) ns before it returned"
                    : "finished \(begin - end) ns before \(w.label) began"
                out.append(ExpectationResult(name: name, passed: ok, detail: detail))
            } else {
                out.append(ExpectationResult(name: name, passed: false, detail: "\(w.label) never finished"))
            }
        }
        return out
    }

    static func subsequence(_ patterns: [EventPattern], in events: [EventRecord]) -> ExpectationResult {
        var next = 0
        for e in events where next < patterns.count {
            if patterns[next].matches(kind: e.kind, object: e.object, detail: e.detail) { next += 1 }
        }
        let ok = next == patterns.count
        return ExpectationResult(name: "events in order (\(patterns.count))", passed: ok,
                                 detail: ok ? "all seen in order" : "matched \(next) of \(patterns.count); missing from '\(patterns[next])'")
    }
}
