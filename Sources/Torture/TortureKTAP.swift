extension TortureReport {
    /// KTAP version 1 (Documentation/dev-tools/ktap.rst): one `torture` suite with a test per
    /// property a run must keep — readers made progress, no access saw a completed revoke (the
    /// pipe), the board tore down and nothing leaked, no other failure — with the failures as
    /// diagnostics before the `not ok` they explain, and unbind stalls as a diagnostic.
    public var ktap: String {
        let pipeOK = pipe.failures == 0
        let others = failures
        var tests: [(ok: Bool, name: String, diagnostics: [String])] = [
            (operations > 0, "readers made progress", ["\(operations) reader rounds, \(unbinds) unbinds"]),
            (pipeOK, "no access saw a completed revoke", ["pipe \(pipe) (\(pipe.accesses) accesses, \(pipe.failures) late)"]),
            (leakCheck, "board torn down, leak check done", leakCheck ? [] : ["threads did not return: leak check skipped"]),
        ]
        tests.append((others.isEmpty, "no failure", others))
        var out = ["KTAP version 1", "1..1", "    KTAP version 1", "    # Subtest: torture", "    1..\(tests.count)"]
        for (i, t) in tests.enumerated() {
            out += t.diagnostics.map { "    # " + Self.line($0) }
            out.append("    \(t.ok ? "ok" : "not ok") \(i + 1) \(t.name)")
        }
        out.append("# unbind latency p50 \(Int(unbindP50)) µs, p99 \(Int(unbindP99)) µs, max \(Int(unbindMax)) µs; \(stalls) stall(s)")
        out.append("\(success ? "ok" : "not ok") 1 torture")
        out.append("# Totals: pass:\(success ? 1 : 0) fail:\(success ? 0 : 1) skip:0 total:1")
        return out.joined(separator: "\n") + "\n"
    }

    /// One line, and no `#` that would start a directive.
    private static func line(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "#", with: "no.")
    }
}
