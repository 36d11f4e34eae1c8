import Foundation
import Testing
@testable import ScenarioExecution
@testable import ScenarioModel
@testable import ScenarioReports

/// No offline validator exists for the Trace Event Format, so this checks its structure: every
/// event has the fields its phase requires, B/E-less complete slices have non-negative
/// durations, async begin/end pair up per id, flows start before they finish, and every
/// track used is named.
@Suite struct ReportPerfettoTests {
    @Test func traceOfTheBlockedReaderStoryIsWellFormed() throws {
        let scenario = try ScenarioFile.load(Examples.directory.appendingPathComponent("gpio-blocked-reader-unbind.yaml").path)
        let run = ScenarioRunner.run(scenario)
        #expect(run.ok)
        let text = try ReportPerfetto.render([run])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        var named = Set<Int>()
        var asyncOpen: [String: Int] = [:]
        var flowStarts: [Int: Double] = [:]
        var flowEnds = 0
        for e in events {
            let ph = try #require(e["ph"] as? String)
            #expect(e["pid"] is Int && e["tid"] is Int, "\(e)")
            let tid = e["tid"] as? Int ?? -1
            switch ph {
            case "M":
                if e["name"] as? String == "thread_name" { named.insert(tid) }
            case "X":
                #expect((e["dur"] as? Double ?? -1) >= 0)
                #expect(e["ts"] is Double && e["name"] is String)
            case "i":
                #expect(e["s"] as? String == "t")
            case "b", "e":
                let id = try #require(e["id"] as? String)
                asyncOpen[id, default: 0] += ph == "b" ? 1 : -1
                #expect(asyncOpen[id]! >= 0, "end before begin for \(id)")
            case "s":
                flowStarts[try #require(e["id"] as? Int)] = e["ts"] as? Double
            case "f":
                let id = try #require(e["id"] as? Int)
                let start = try #require(flowStarts[id], "flow \(id) finishes before it starts")
                #expect((e["ts"] as? Double ?? 0) >= start)
                flowEnds += 1
            default:
                Issue.record("unexpected phase \(ph)")
            }
        }
        let used = Set(events.filter { $0["ph"] as? String != "M" }.compactMap { $0["tid"] as? Int })
        #expect(used.isSubset(of: named), "unnamed tracks: \(used.subtracting(named))")
        #expect(asyncOpen["0-gpiochip0"] == 0)  // its lifetime began and ended
        #expect(flowEnds >= 1)  // the unbind woke the reader
        #expect(events.contains { ($0["name"] as? String)?.hasPrefix("revocable.revoke") == true })
    }

    /// Two scenarios in one trace: each flow id starts once and every finish of an id stays
    /// in the process of its start (ids restarted at 1 per scenario joined unrelated ones).
    @Test func flowIdsAreUniqueAcrossTheScenariosOfATrace() throws {
        let scenario = try ScenarioFile.load(Examples.directory.appendingPathComponent("gpio-blocked-reader-unbind.yaml").path)
        let text = try ReportPerfetto.render([ScenarioRunner.run(scenario), ScenarioRunner.run(scenario)])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        var startPid: [Int: Int] = [:]
        for e in events where e["ph"] as? String == "s" {
            let id = try #require(e["id"] as? Int)
            #expect(startPid[id] == nil, "flow id \(id) starts twice")
            startPid[id] = e["pid"] as? Int
        }
        #expect(Set(startPid.values) == [0, 1], "both scenarios have flows")
        for e in events where e["ph"] as? String == "f" {
            let id = try #require(e["id"] as? Int)
            #expect(startPid[id] == e["pid"] as? Int, "flow \(id) crosses scenarios")
        }
    }
}
