import Testing
@testable import ScenarioExecution
@testable import ScenarioModel
@testable import ScenarioReports

/// The KTAP output follows ktap.rst's grammar: version line, plan, one result line per test
/// with a unique name at its level, diagnostics before `not ok`, nested suites indented.
@Suite struct KTAPTests {
    static func runs() throws -> [RunResult] {
        var failing = try Examples.load(Examples.directory.appendingPathComponent("devres-order.yaml"))
        failing.actors[0].steps[0].expect.errno = "EBUSY"
        return [ScenarioRunner.run(try Examples.load(Examples.directory.appendingPathComponent("deferred-probe.yaml"))),
                ScenarioRunner.run(failing)]
    }

    @Test func grammarHolds() throws {
        let text = ReportKTAP.render(try Self.runs())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines[0] == "KTAP version 1")
        #expect(lines[1] == "1..2")
        // Top-level results, numbered 1…N, unique names.
        let top = lines.filter { $0.hasPrefix("ok ") || $0.hasPrefix("not ok ") }
        #expect(top == ["ok 1 deferred-probe", "not ok 2 devres-order"])
        // Every nested plan matches its result lines.
        var i = 0
        while i < lines.count {
            if lines[i] == "    KTAP version 1" {
                let plan = lines[i + 2]
                let count = Int(plan.dropFirst("    1..".count))!
                let results = lines[(i + 3)...].prefix { $0.hasPrefix("    ") }.filter { $0.hasPrefix("    ok ") || $0.hasPrefix("    not ok ") }
                #expect(results.count == count)
                #expect(Set(results.map { $0.split(separator: " ", maxSplits: 3).last! }).count == count)
            }
            i += 1
        }
        // A diagnostic right before each nested `not ok`.
        for (n, line) in lines.enumerated() where line.hasPrefix("    not ok ") {
            #expect(lines[n - 1].hasPrefix("    # "))
        }
        #expect(text.contains("    # got OK\n    not ok 1 admin[step 1] errno EBUSY\n"))
        #expect(lines.last == "# Totals: pass:1 fail:1 skip:0 total:2")
    }
}
