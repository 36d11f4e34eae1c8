import ScenarioExecution
import ScenarioModel
import Instrumentation

/// KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst) for one or more runs: a
/// top-level suite with one subtest per scenario, each with one test per expectation.
/// Diagnostics (`# …`) come before the `not ok` line they explain; names are unique per
/// level (a repeated name gets ` #2`, …); a board that could not be built is `not ok` with its
/// reason. Deterministic: no times.
public enum ReportKTAP {
    /// The whole KTAP document, newline-terminated. A scenario is `ok` when all its
    /// expectations held (findings count through its `findings:` expectation).
    public static func render(_ runs: [RunResult]) -> String {
        var out = ["KTAP version 1", "1..\(runs.count)"]
        for (n, run) in runs.enumerated() {
            let ind = "    "
            out.append("\(ind)KTAP version 1")
            out.append("\(ind)# Subtest: \(sanitize(run.scenario))")
            out.append("\(ind)1..\(run.expectations.count)")
            var seen: [String: Int] = [:]
            for (i, e) in run.expectations.enumerated() {
                var name = sanitize(e.name)
                seen[name, default: 0] += 1
                if let count = seen[name], count > 1 { name += " #\(count)" }
                if !e.passed { out.append("\(ind)# \(sanitize(e.detail))") }
                out.append("\(ind)\(e.passed ? "ok" : "not ok") \(i + 1) \(name)")
            }
            if let setup = run.setupError { out.append("# \(sanitize(setup))") }
            for f in run.findings { out.append("# finding: \(f.kind.rawValue) \(sanitize(f.object)): \(sanitize(f.detail))") }
            out.append("\(run.ok ? "ok" : "not ok") \(n + 1) \(sanitize(run.scenario))")
        }
        let failed = runs.count { !$0.ok }
        out.append("# Totals: pass:\(runs.count - failed) fail:\(failed) skip:0 total:\(runs.count)")
        return out.joined(separator: "\n") + "\n"
    }

    static func sanitize(_ text: String) -> String { KTAP.line(text) }
}
