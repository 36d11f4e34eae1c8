/// The side-by-side table of our conformance cases and the Linux KUnit cases they port: one
/// row per (our case, kernel case) pair, then the kernel's cases in the same suites that we
/// do not port, then our cases with no kernel counterpart.
///
/// Guarantee: every case of `ours` appears; every kernel case of a suite we port appears.
/// Cost: quadratic in the (small) number of cases. Thread-safe: a pure function.
public enum KUnitTable {
    /// One line of the table.
    public struct Row: Sendable, Equatable {
        public var suite: String
        public var ours: String
        public var ourStatus: String
        public var kernelCase: String
        public var linuxStatus: String
    }

    /// Merges the two streams' cases. `kernel` holds Linux's results (a missing case is
    /// `not run`, e.g. its config option was off).
    public static func merge(ours: [KTAPResults.Case], kernel: [KTAPResults.Case],
                             map: [KUnitCaseMap.Entry] = KUnitCaseMap.entries) -> [Row] {
        var rows: [Row] = []
        var covered: Set<String> = []
        var kernelSuites: [String] = []
        for o in ours {
            guard let e = map.first(where: { $0.ourSuite == o.suite && $0.ourName == o.name }), let ks = e.kernelSuite else {
                rows.append(Row(suite: o.suite, ours: o.name, ourStatus: o.status, kernelCase: "-", linuxStatus: "no such case"))
                continue
            }
            if !kernelSuites.contains(ks) { kernelSuites.append(ks) }
            for kc in e.kernelCases {
                covered.insert(ks + "/" + kc)
                let status = kernel.first { $0.suite == ks && $0.name == kc }?.status ?? "not run"
                rows.append(Row(suite: ks, ours: o.name, ourStatus: o.status, kernelCase: kc, linuxStatus: status))
            }
        }
        for k in kernel where kernelSuites.contains(k.suite) && !covered.contains(k.suite + "/" + k.name) {
            rows.append(Row(suite: k.suite, ours: "(not ported)", ourStatus: "-", kernelCase: k.name, linuxStatus: k.status))
        }
        return rows
    }

    /// A Markdown table.
    public static func markdown(_ rows: [Row]) -> String {
        var out = ["| suite | our case | ours | KUNIT_CASE | Linux |", "| --- | --- | --- | --- | --- |"]
        for r in rows {
            out.append("| \(r.suite) | \(r.ours) | \(r.ourStatus) | \(r.kernelCase == "-" ? "-" : "`\(r.kernelCase)`") | \(r.linuxStatus) |")
        }
        return out.joined(separator: "\n") + "\n"
    }
}
