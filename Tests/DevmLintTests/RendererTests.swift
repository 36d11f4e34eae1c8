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

    @Test func sarifURIsAreRelativeToTheTreeRootAndPercentEncoded() throws {
        var r = try lintFixture("misc_basic")
        let root = try #require(r.baseDirectory)
        // A finding in a folder with a space and a '#': both must be encoded.
        r.findings[0].location.file = root + "/drivers/my dir#1/widget.c"
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(Renderer.sarif(r).utf8)) as? [String: Any])
        let run = try #require((obj["runs"] as? [[String: Any]])?.first)
        let bases = try #require(run["originalUriBaseIds"] as? [String: [String: String]])
        let baseURI = try #require(bases[Renderer.baseId]?["uri"])
        #expect(baseURI.hasPrefix("file:///") && baseURI.hasSuffix("/"))
        let results = try #require(run["results"] as? [[String: Any]])
        let loc = try #require((results[0]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        let art = try #require(loc["artifactLocation"] as? [String: String])
        #expect(art["uri"] == "drivers/my%20dir%231/widget.c")
        #expect(art["uriBaseId"] == Renderer.baseId)
    }

    @Test func fileOutsideTheBaseGetsAnAbsoluteFileURI() throws {
        var r = try lintFixture("misc_basic")
        r.findings[0].location.file = "/elsewhere/a b.c"
        let s = Renderer.sarif(r)
        #expect(s.contains("\"uri\" : \"file:///elsewhere/a%20b.c\""))
    }
}
