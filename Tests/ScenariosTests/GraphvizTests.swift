import Foundation
import Testing
@testable import ScenarioExecution
@testable import ScenarioModel

/// The DOT tree through Graphviz's own `dot -Tsvg`, where Graphviz is installed; skipped
/// (not failed) elsewhere.
@Suite struct GraphvizTests {
    static let dot = ["/usr/bin/dot", "/usr/local/bin/dot"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: dot != nil)) func dotAcceptsOurTrees() throws {
        for example in ["device-links.yaml", "usb-hot-unplug-file-open.yaml", "deferred-probe.yaml"] {
            let s = try ScenarioFile.load(Examples.directory.appendingPathComponent(example).path)
            let board = try ScenarioBoard.build(s.board)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Self.dot!)
            p.arguments = ["-Tsvg"]
            let input = Pipe(), output = Pipe(), errors = Pipe()
            p.standardInput = input
            p.standardOutput = output
            p.standardError = errors
            try p.run()
            input.fileHandleForWriting.write(Data(TreeDOT.render(board.kernel, name: s.name).utf8))
            try input.fileHandleForWriting.close()
            let svg = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(example): \(err)")
            #expect(svg.contains("<svg"), "\(example)")
        }
    }
}
