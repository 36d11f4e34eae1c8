import ScenarioExecution
import ScenarioModel
/// The text rendering of a run: sections setup, steps, events, expectations, findings, and a
/// closing `N passed, N failed` line. Deterministic apart from times (integer ns).
public enum ReportText {
    /// The report; `events: false` leaves out the events section (for long runs).
    public static func render(_ r: RunResult, events showEvents: Bool = true) -> String {
        var out = ["== \(r.scenario)", "", "-- setup"]
        if let e = r.setupError { out.append("  board setup failed: \(e)") }
        out += r.setup.map { "  " + $0 }
        out += ["", "-- steps"]
        for s in r.steps {
            let status = s.finished ? (s.errno ?? "ok") : "UNFINISHED"
            var line = "  \(s.actor)#\(s.index + 1)\(s.label.map { "[\($0)]" } ?? "") \(s.action) -> \(status)"
            if let v = s.returns { line += " returns \(v)" }
            if let p = s.revents { line += " revents \(p.isEmpty ? "0" : p.joined(separator: "|"))" }
            if s.blocked { line += " (blocked)" }
            if let end = s.endNanoseconds { line += " @\(end)ns" }
            out.append(line)
        }
        if showEvents {
            out += ["", "-- events"]
            out += r.events.map { e in
                "  [\(e.timeNanoseconds)ns] \(e.actor ?? "-") \(e.kind) \(e.object)\(e.detail.isEmpty ? "" : " \(e.detail)")"
            }
        }
        out += ["", "-- expectations"]
        out += r.expectations.map { "  \($0.passed ? "PASS" : "FAIL") \($0.name): \($0.detail)" }
        out += ["", "-- findings"]
        out += r.findings.isEmpty ? ["  none"] : r.findings.map { "  \($0.kind.rawValue) \($0.object): \($0.detail) (\($0.site))" }
        out += ["", "\(r.passed) passed, \(r.failed) failed"]
        return out.joined(separator: "\n")
    }
}
