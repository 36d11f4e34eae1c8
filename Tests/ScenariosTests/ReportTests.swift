import Foundation
import Testing
@testable import ScenarioExecution
@testable import ScenarioModel
@testable import ScenarioReports

@Suite struct ReportTests {
    static func run() throws -> RunResult {
        ScenarioRunner.run(try Examples.load(Examples.directory.appendingPathComponent("gpio-blocked-reader-unbind.yaml")))
    }

    @Test func textHasTheSectionsAndTheClosingLine() throws {
        let text = ReportText.render(try Self.run())
        let headings = text.split(separator: "\n").filter { $0.hasPrefix("-- ") }.map(String.init)
        #expect(headings == ["-- setup", "-- steps", "-- events", "-- expectations", "-- findings"])
        #expect(text.hasSuffix("\n10 passed, 0 failed"))
        #expect(text.contains("reader#3[blocked-read] read req -> ENODEV (blocked)"))
    }

    @Test func failuresShowInTheClosingLine() throws {
        var s = try Examples.load(Examples.directory.appendingPathComponent("devres-order.yaml"))
        s.actors[0].steps[0].expect.errno = "EBUSY"
        let text = ReportText.render(ScenarioRunner.run(s))
        #expect(text.contains("  FAIL admin[step 1] errno EBUSY: got OK"))
        #expect(text.hasSuffix("\n4 passed, 1 failed"))
    }

    @Test func jsonHasASchemaIntegerTimesAndErrnoNames() throws {
        let text = try ReportJSON.render([try Self.run()])
        let doc = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(doc["schema"] as? String == "devmodel/runs@1")
        #expect(doc["passed"] as? Int == 10)
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        #expect(run["schema"] as? String == "devmodel/run@1")
        let steps = try #require(run["steps"] as? [[String: Any]])
        #expect(steps.contains { $0["errno"] as? String == "ENODEV" })
        for step in steps {
            let end = try #require(step["endNanoseconds"] as? NSNumber)
            let digits = String(describing: end).allSatisfy { $0.isNumber }
            #expect(digits)
        }
        #expect(!text.contains("e+"))   // no floating-point times
    }
}
