import Instrumentation

extension TortureReport {
    /// KTAP version 1 (Documentation/dev-tools/ktap.rst): one `torture` suite with a test per
    /// property a run must keep — readers made progress, no access saw a completed revoke (the
    /// pipe), the board tore down and nothing leaked, no other failure — with the failures as
    /// diagnostics before the `not ok` they explain, and unbind stalls as a diagnostic.
    public var ktap: String {
        KTAP.suite("torture", [
            KTAP.Test(ok: operations > 0, name: "readers made progress", diagnostics: ["\(operations) reader rounds, \(unbinds) unbinds"]),
            KTAP.Test(ok: pipe.failures == 0, name: "no access saw a completed revoke",
                      diagnostics: ["pipe \(pipe) (\(pipe.accesses) accesses, \(pipe.failures) late)"]),
            // Not ok when the check found leaks: "done" alone said ok next to 37 leaked allocations.
            KTAP.Test(ok: leakCheck && leaks.isEmpty, name: "board torn down, nothing leaked",
                      diagnostics: leakCheck ? leaks : ["threads did not return: leak check skipped"]),
            KTAP.Test(ok: otherFailures.isEmpty, name: "no other failure", diagnostics: otherFailures),
        ], footer: ["unbind latency p50 \(Int(unbindP50)) µs, p99 \(Int(unbindP99)) µs, max \(Int(unbindMax)) µs; \(stalls) stall(s)"],
           passed: success)
    }

    /// The failures that are not leaks (listed under the leak test instead).
    var otherFailures: [String] {
        let leakLines = Set(leaks)
        return failures.filter { !leakLines.contains($0) }
    }
}
