import Foundation
import Testing
@testable import DevmLint

@Suite("renderers")
struct RendererTests {
    @Test func textIsCompilerStyleWithNotesAndSummary() throws {
        let r = try lintFixture("misc_basic")
        let s = Renderer.text(r)
        let lines = s.split(separator: "\n").map(String.init)
        #expect(lines[0].range(of: #"^.+widget\.c:\d+:\d+: error: \[devm-uaf\] "#, options: .regularExpression) != nil)
        #expect(lines.dropFirst().contains { $0.contains(": note: ") })
        #expect(lines.contains { $0.contains("note: fix: ") })
        #expect(lines.last?.hasPrefix("devmodel-lint: 1 finding(s) (1 devm-uaf), 0 suppressed") == true)
    }

    @Test func jsonRoundTrips() throws {
        let r = try lintFixture("misc_basic")
        let back = try JSONDecoder().decode(LintReport.self, from: Data(Renderer.json(r).utf8))
        #expect(back.findings == r.findings)
    }

    @Test func sarifIs210WithRulesResultsAndRelatedLocations() throws {
        let r = try lintFixture("misc_basic")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(Renderer.sarif(r).utf8)) as? [String: Any])
        #expect(obj["version"] as? String == "2.1.0")
        let run = try #require((obj["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 1)
        #expect(results[0]["ruleId"] as? String == "devm-uaf")
        #expect((results[0]["relatedLocations"] as? [Any])?.isEmpty == false)
    }
}
