import Instrumentation

/// One conformance case: a behaviour a kernel test suite checks (KUnit, kselftest), written against the
/// public API so that the CLI (`devmodel conformance`) and the tests run the very same code.
public struct ConformanceCase: Sendable {
    /// The peer suite, named as the kernel names it (`platform-device-devm`).
    public let suite: String
    /// The case, as the peer suite names it where it has a name.
    public let name: String
    let body: @Sendable () throws -> Void

    public init(suite: String, name: String, _ body: @escaping @Sendable () throws -> Void) {
        self.suite = suite
        self.name = name
        self.body = body
    }
}

/// Why a case failed: what was expected, where.
public struct ConformanceFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let site: CallSite
    public var description: String { "\(site): \(message)" }
}

/// Fails the current case unless `condition` holds.
func check(_ condition: Bool, _ message: @autoclosure () -> String,
           fileID: StaticString = #fileID, line: UInt = #line) throws {
    if !condition { throw ConformanceFailure(message: message(), site: CallSite(fileID: fileID, line: line)) }
}

/// Fails the current case unless `body` throws.
func checkThrows(_ message: @autoclosure () -> String, fileID: StaticString = #fileID, line: UInt = #line,
                 _ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        return
    }
    throw ConformanceFailure(message: message(), site: CallSite(fileID: fileID, line: line))
}

/// The outcome of one case.
public struct ConformanceResult: Sendable, Codable {
    public let suite: String
    public let name: String
    public let passed: Bool
    public let diagnostic: String?
    public let nanoseconds: UInt64
}

/// Runs cases and renders them as nested KTAP (Documentation/dev-tools/ktap.rst).
public enum ConformanceRunner {
    /// Runs every case whose suite or name contains `filter` (all when nil). Never throws: a
    /// failing or throwing case is a `not ok` with its reason.
    public static func run(_ cases: [ConformanceCase] = ConformanceSuites.all, filter: String? = nil) -> [ConformanceResult] {
        cases.filter { c in filter.map { c.suite.contains($0) || c.name.contains($0) } ?? true }.map { c in
            let start = monotonicNanoseconds()
            var diagnostic: String?
            do { try c.body() } catch { diagnostic = "\(error)" }
            return ConformanceResult(suite: c.suite, name: c.name, passed: diagnostic == nil, diagnostic: diagnostic,
                                     nanoseconds: monotonicNanoseconds() - start)
        }
    }

    /// KTAP version 1: one subtest per suite, one test per case, diagnostics before `not ok`.
    public static func ktap(_ results: [ConformanceResult]) -> String {
        var suites: [String] = []
        for r in results where !suites.contains(r.suite) { suites.append(r.suite) }
        var out = ["KTAP version 1", "1..\(suites.count)"]
        for (n, suite) in suites.enumerated() {
            let cases = results.filter { $0.suite == suite }
            out.append("    KTAP version 1")
            out.append("    # Subtest: \(suite)")
            out.append("    1..\(cases.count)")
            for (i, c) in cases.enumerated() {
                if let d = c.diagnostic { out.append("    # \(d.replacingOccurrences(of: "\n", with: " "))") }
                out.append("    \(c.passed ? "ok" : "not ok") \(i + 1) \(c.name.replacingOccurrences(of: "#", with: "no."))")
            }
            out.append("\(cases.allSatisfy(\.passed) ? "ok" : "not ok") \(n + 1) \(suite)")
        }
        let failed = suites.count { s in results.contains { $0.suite == s && !$0.passed } }
        out.append("# Totals: pass:\(suites.count - failed) fail:\(failed) skip:0 total:\(suites.count)")
        return out.joined(separator: "\n") + "\n"
    }
}
