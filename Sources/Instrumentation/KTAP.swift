/// KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst) for a single suite of
/// tests: the shape every tool's `--format ktap` prints when its run is one suite.
public enum KTAP {
    /// One test of a suite: `ok`/`not ok`, its name, and diagnostics printed before it.
    public struct Test: Sendable {
        public var ok: Bool
        public var name: String
        public var diagnostics: [String]
        public init(ok: Bool, name: String, diagnostics: [String] = []) {
            self.ok = ok
            self.name = name
            self.diagnostics = diagnostics
        }
    }

    /// A top-level plan of one, the suite `name` as a subtest with its tests, `footer`
    /// diagnostics, the suite's result and the totals. Newline-terminated.
    public static func suite(_ name: String, _ tests: [Test], footer: [String] = [], passed: Bool) -> String {
        var out = ["KTAP version 1", "1..1", "    KTAP version 1", "    # Subtest: \(line(name))", "    1..\(tests.count)"]
        for (i, t) in tests.enumerated() {
            out += t.diagnostics.map { "    # " + line($0) }
            out.append("    \(t.ok ? "ok" : "not ok") \(i + 1) \(line(t.name))")
        }
        out += footer.map { "# " + line($0) }
        out.append("\(passed ? "ok" : "not ok") 1 \(line(name))")
        out.append("# Totals: pass:\(passed ? 1 : 0) fail:\(passed ? 0 : 1) skip:0 total:1")
        return out.joined(separator: "\n") + "\n"
    }

    /// One line, and no `#` that would start a directive in a name or diagnostic.
    public static func line(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\n": out.append(" ")
            case "\r\n": out += "\r "  // one Character in Swift; the newline goes, as above
            case "#": out += "no."
            default: out.append(c)
            }
        }
        return out
    }
}
