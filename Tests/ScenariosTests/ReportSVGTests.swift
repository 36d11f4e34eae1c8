import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ScenarioExecution
@testable import ScenarioModel
@testable import ScenarioReports

/// The SVG renderings are well-formed XML with one lane per actor and a bar per step.
@Suite struct ReportSVGTests {
    final class Counter: NSObject, XMLParserDelegate {
        var elements: [String: Int] = [:]
        var texts: [String] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements[name, default: 0] += 1
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { texts.append(string) }
    }

    func parse(_ svg: String) throws -> Counter {
        let parser = XMLParser(data: Data(svg.utf8))
        let counter = Counter()
        parser.delegate = counter
        #expect(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
        return counter
    }

    @Test func timelineHasALanePerActorAndABarPerStep() throws {
        let scenario = try ScenarioFile.load(Examples.directory.appendingPathComponent("gpio-blocked-reader-unbind.yaml").path)
        let run = ScenarioRunner.run(scenario)
        let svg = ReportSVG.timeline(run)
        let parsed = try parse(svg)
        #expect(parsed.elements["svg"] == 1)
        let bars = run.steps.count + run.steps.filter(\.blocked).count
        #expect(parsed.elements["rect", default: 0] >= bars + 1)  // + the background
        #expect(parsed.texts.contains("reader") && parsed.texts.contains("admin"))
        #expect(parsed.elements["circle", default: 0] >= 2)  // unbind and revoke at least
    }

    /// `run --format svg` over two scenarios: one document (two back to back are not XML), a
    /// nested timeline per run, pattern ids unique.
    @Test func twoRunsMakeOneWellFormedDocument() throws {
        let scenario = try ScenarioFile.load(Examples.directory.appendingPathComponent("gpio-blocked-reader-unbind.yaml").path)
        let runs = [ScenarioRunner.run(scenario), ScenarioRunner.run(scenario)]
        let svg = ReportSVG.timelines(runs)
        let parsed = try parse(svg)
        #expect(parsed.elements["svg"] == 3)  // the document and one per run
        #expect(svg.components(separatedBy: "<?xml").count == 2)
        #expect(svg.contains("id=\"blocked-0\"") && svg.contains("id=\"blocked-1\""))
        #expect(ReportSVG.timelines([runs[0]]) == ReportSVG.timeline(runs[0]))
    }

    @Test func treeIsWellFormedAndEscapesNames() throws {
        let scenario = try ScenarioFile.load(Examples.directory.appendingPathComponent("device-links.yaml").path)
        let board = try ScenarioBoard.build(scenario.board)
        let parsed = try parse(ReportSVG.tree(board.kernel, name: "a <tree> & \"links\""))
        #expect(parsed.elements["rect", default: 0] >= board.kernel.devices.count)
        #expect(parsed.texts.joined().contains("a <tree> & \"links\""))
    }
}
