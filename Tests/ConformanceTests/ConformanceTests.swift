import Testing
@testable import Conformance

@Suite struct ConformanceTests {
    @Test func everyCasePasses() {
        let results = ConformanceRunner.run()
        #expect(results.count == ConformanceSuites.all.count)
        for r in results where !r.passed { Issue.record("\(r.suite) / \(r.name): \(r.diagnostic ?? "")") }
    }

    @Test func aFailingCaseIsNotOkWithItsDiagnosticFirst() {
        let failing = ConformanceCase(suite: "demo", name: "fails") { try check(false, "expected failure") }
        let passing = ConformanceCase(suite: "demo", name: "passes") {}
        let ktap = ConformanceRunner.ktap(ConformanceRunner.run([failing, passing]))
        let lines = ktap.split(separator: "\n").map(String.init)
        #expect(lines.first == "KTAP version 1")
        #expect(lines.contains("    # Subtest: demo"))
        let notOk = lines.firstIndex(of: "    not ok 1 fails")
        #expect(notOk != nil && lines[notOk! - 1].contains("expected failure"))
        #expect(lines.contains("not ok 1 demo"))
        #expect(lines.last == "# Totals: pass:0 fail:1 skip:0 total:1")
    }

    @Test func filterSelectsBySuiteOrName() {
        #expect(ConformanceRunner.run(filter: "gpio-cdev-uaf").allSatisfy { $0.suite == "gpio-cdev-uaf" })
        #expect(ConformanceRunner.run(filter: "no-such-suite").isEmpty)
    }
}
