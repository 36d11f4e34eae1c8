/// Case results read from a KTAP stream (Documentation/dev-tools/ktap.rst), ours or a
/// kernel console log: `# Subtest: SUITE` opens a suite, `ok N NAME` / `not ok N NAME` at the
/// same indentation is one of its cases, a result line further out closes it.
///
/// Guarantee: never fails; lines that are not KTAP (kernel log noise, a printk timestamp
/// prefix) are ignored. Cost: one pass. Thread-safe: a pure function.
public enum KTAPResults {
    /// One case's result.
    public struct Case: Sendable, Equatable, Hashable {
        public var suite: String
        public var name: String
        /// `pass`, `fail` or `skip`.
        public var status: String

        public init(suite: String, name: String, status: String) {
            self.suite = suite
            self.name = name
            self.status = status
        }
    }

    /// Every case of every suite, in stream order. A nested (parameterised) case is reported
    /// under its innermost suite.
    public static func parse(_ text: String) -> [Case] {
        var stack: [(indent: Int, suite: String)] = []
        var cases: [Case] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = stripPrefix(String(raw))
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            if body.hasPrefix("# Subtest: ") {
                stack.append((indent, String(body.dropFirst("# Subtest: ".count))))
                continue
            }
            guard let (status, name) = result(body) else { continue }
            while let top = stack.last, indent < top.indent { stack.removeLast() }
            if let top = stack.last, top.indent == indent { cases.append(Case(suite: top.suite, name: name, status: status)) }
        }
        return cases
    }

    /// `ok 3 name # SKIP why` → ("skip", "name").
    static func result(_ body: Substring) -> (String, String)? {
        var rest: Substring
        var status: String
        if body.hasPrefix("ok ") { rest = body.dropFirst(3); status = "pass" }
        else if body.hasPrefix("not ok ") { rest = body.dropFirst(7); status = "fail" }
        else { return nil }
        let number = rest.prefix { $0.isNumber }
        guard !number.isEmpty else { return nil }
        rest = rest.dropFirst(number.count).drop { $0 == " " }
        if let hash = rest.range(of: " # ") {
            if rest[hash.upperBound...].uppercased().hasPrefix("SKIP") { status = "skip" }
            rest = rest[..<hash.lowerBound]
        }
        return (status, String(rest))
    }

    /// Drops a console prefix (`[    1.234000] `) before the KTAP text.
    static func stripPrefix(_ line: String) -> String {
        var l = Substring(line)
        if l.hasPrefix("["), let close = l.firstIndex(of: "]") {
            l = l[l.index(after: close)...]
            if l.hasPrefix(" ") { l = l.dropFirst() }
        }
        return String(l)
    }
}
