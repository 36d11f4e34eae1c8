import Foundation
import Testing

/// What the README shows is what the repository has: its demo excerpt, its scenario file and
/// its description of torture.
@Suite struct ReadmeTests {
    static var readme: String {
        get throws {
            try String(contentsOf: CLITests.examples.deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        }
    }

    /// The text between `after` and the end of the next fenced block.
    static func block(after marker: String, fence: String) throws -> String {
        let text = try readme
        let tail = try #require(text.range(of: marker)).upperBound
        let open = try #require(text.range(of: "```\(fence)\n", range: tail..<text.endIndex)).upperBound
        let close = try #require(text.range(of: "\n```", range: open..<text.endIndex)).lowerBound
        return String(text[open..<close])
    }

    /// Sequence numbers and measured microseconds vary between runs, and so may the place of
    /// the reader's ENODEV; every line of the excerpt must still be a line of the demo.
    @Test func theDemoExcerptIsTheDemosOutput() throws {
        let normalise = { (s: String) in
            s.replacing(/\[\d+\]/, with: "[n]").replacing(/\d+ µs/, with: "n µs")
        }
        let excerpt = try Self.block(after: "`swift run devmodel demo` registers", fence: "text")
        let demo = try CLITests.run(["demo"])
        #expect(demo.status == 0, "\(demo.err)")
        let lines = Set(normalise(demo.out).split(separator: "\n").map(String.init))
        for line in normalise(excerpt).split(separator: "\n") where !line.isEmpty {
            #expect(lines.contains(String(line)), "not in the demo's output: \(line)")
        }
    }

    @Test func theScenarioShownIsTheFile() throws {
        let shown = try Self.block(after: "`Scenarios/gpio-blocked-reader-unbind.yaml`:", fence: "yaml")
        let file = try String(contentsOf: CLITests.examples.appendingPathComponent("gpio-blocked-reader-unbind.yaml"), encoding: .utf8)
        #expect(shown + "\n" == file)
    }

    @Test func tortureHelpNamesTheNodesTheReadmeNames() throws {
        let text = try Self.readme
        let start = try #require(text.range(of: "devmodel torture --duration 600s --threads 3`")).upperBound
        let paragraph = String(text[start...]).components(separatedBy: "\n\n")[0]
        let nodes = Set(paragraph.matches(of: /\/dev\/[A-Za-z0-9.\-]*[A-Za-z0-9]/).map { String($0.output) })
        #expect(nodes.count >= 6, "\(nodes)")
        let help = try CLITests.run(["torture", "--help"]).out.replacingOccurrences(of: "\n", with: " ")
        for node in nodes { #expect(help.contains(node), "torture --help does not name \(node)") }
    }

    @Test func treeAndDeferredTakeAFileNotDashDashScenario() throws {
        for command in ["tree", "deferred"] {
            let help = try CLITests.run([command, "--help"]).out
            #expect(help.contains("<scenario>") && !help.contains("--scenario"), "\(help)")
        }
        #expect(try !Self.readme.contains("`tree`, `deferred` too"))
    }
}
