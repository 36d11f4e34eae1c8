import Foundation
import Testing
@testable import ScenarioExecution
@testable import ScenarioModel
@testable import ScenarioReports

/// Golden files for the deterministic renderings (tree text/DOT/SVG, KTAP of a run): the
/// output must match `Golden/<name>` byte for byte. Regenerate after an intended change with
/// `DEVMODEL_UPDATE_GOLDEN=1 swift test --filter GoldenFileTests` and review the diff.
@Suite struct GoldenFileTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func compare(_ actual: String, _ name: String) throws {
        let url = Self.directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["DEVMODEL_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(name) differs from its golden file; run with DEVMODEL_UPDATE_GOLDEN=1 to review")
    }

    func board(_ example: String) throws -> (Scenario, ScenarioBoard) {
        let s = try ScenarioFile.load(Examples.directory.appendingPathComponent(example).path)
        return (s, try ScenarioBoard.build(s.board))
    }

    @Test func treeText() throws {
        let (_, b) = try board("device-links.yaml")
        try compare(TreeText.lines(b.kernel, devres: true).joined(separator: "\n") + "\n", "device-links.tree.txt")
    }

    @Test func treeDOT() throws {
        let (s, b) = try board("usb-hot-unplug-file-open.yaml")
        try compare(TreeDOT.render(b.kernel, name: s.name), "usb-hot-unplug.tree.dot")
    }

    @Test func treeSVG() throws {
        let (s, b) = try board("devres-order.yaml")
        try compare(ReportSVG.tree(b.kernel, name: s.name), "devres-order.tree.svg")
    }

    @Test func runKTAP() throws {
        let s = try ScenarioFile.load(Examples.directory.appendingPathComponent("gpio-open-unbind-access.yaml").path)
        try compare(ReportKTAP.render([ScenarioRunner.run(s)]), "gpio-open-unbind-access.ktap")
    }
}
