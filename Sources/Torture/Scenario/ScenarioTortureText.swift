import Foundation
import Instrumentation

extension ScenarioTortureReport {
    /// The text report: one line per shown step's outcomes, per finding kind (with its first
    /// example) and per unexpected outcome, then SUCCESS or FAILURE.
    public var lines: [String] {
        var out = [String(format: "torture: %@: %d iterations in %.1f s (%.0f/s)", scenario, iterations, seconds,
                          iterationsPerSecond)]
        if let setupError { out.append("torture: FAIL setup: \(setupError)") }
        for h in outcomes {
            let render = { (c: [String: Int]) in c.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
            let judged = h.admissible.map { " (admissible: \($0.joined(separator: ", ")))" } ?? ""
            let after = h.afterEarlierFailure.isEmpty ? "" : "; after an earlier step failed: \(render(h.afterEarlierFailure))"
            out.append("torture: \(h.step): \(h.counts.isEmpty ? "never reached" : render(h.counts))\(judged)\(after)")
        }
        if !reachableNotSeen.isEmpty {
            out.append("torture: reachable outcomes not seen in this run: \(reachableNotSeen.joined(separator: ", "))")
        }
        for f in findings {
            out.append("torture: FAIL \(f.kind) ×\(f.count), first in iteration \(f.firstIteration): \(f.firstExample)")
        }
        for u in unexpected {
            out.append("torture: FAIL unexpected \(u.step) → \(u.errno) ×\(u.count), first in iteration \(u.firstIteration)"
                       + (u.firstMessage.map { ": \($0)" } ?? ""))
        }
        out.append(success ? "SUCCESS" : "FAILURE")
        return out
    }

    /// KTAP version 1 (Documentation/dev-tools/ktap.rst): one suite named after the scenario,
    /// a test per property every iteration must keep, failures as diagnostics.
    public var ktap: String {
        let hangs = findings.filter { $0.kind == "hang" }
        let others = findings.filter { $0.kind != "hang" }
        let describe = { (f: FindingTally) in "\(f.kind) ×\(f.count), first: \(f.firstExample)" }
        return KTAP.suite("torture \(scenario)", [
            KTAP.Test(ok: iterations > 0 && setupError == nil, name: "iterations ran",
                      diagnostics: [setupError ?? "\(iterations) iterations"]),
            KTAP.Test(ok: others.isEmpty, name: "no sanitizer finding", diagnostics: others.map(describe)),
            KTAP.Test(ok: hangs.isEmpty, name: "no hang", diagnostics: hangs.map(describe)),
            KTAP.Test(ok: unexpected.isEmpty, name: "every outcome admissible",
                      diagnostics: unexpected.map { "\($0.step) → \($0.errno) ×\($0.count)" }),
        ], footer: [String(format: "%.0f iterations/s", iterationsPerSecond)], passed: success)
    }
}
