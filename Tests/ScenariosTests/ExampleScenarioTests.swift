import Foundation
import Testing
@testable import ScenarioExecution
@testable import ScenarioModel

/// The example scenarios under `Scenarios/` at the repository root.
enum Examples {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scenarios")

    static var files: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }

    static func load(_ url: URL) throws -> Scenario {
        try ScenarioParser.parse(String(contentsOf: url, encoding: .utf8), file: url.lastPathComponent)
    }
}

@Suite struct ExampleScenarioTests {
    @Test func thereAreExamples() { #expect(Examples.files.count >= 1) }

    /// Scenarios/README.md's table of examples names every example file (and no missing one).
    @Test func theExamplesReadmeListsEveryExample() throws {
        let readme = try String(contentsOf: Examples.directory.appendingPathComponent("README.md"), encoding: .utf8)
        let listed = Set(readme.matches(of: #/^\| `([^`]+\.(?:yaml|json))` \|/#.anchorsMatchLineEndings()).map { String($0.1) })
        let files = Set(Examples.files.map(\.lastPathComponent))
        #expect(files.subtracting(listed).isEmpty, "not in Scenarios/README.md: \(files.subtracting(listed).sorted())")
        #expect(listed.subtracting(files).isEmpty, "listed but missing: \(listed.subtracting(files).sorted())")
    }

    @Test(arguments: Examples.files.map(\.lastPathComponent))
    func exampleRunsGreen(_ name: String) throws {
        let scenario = try Examples.load(Examples.directory.appendingPathComponent(name))
        let result = ScenarioRunner.run(scenario)
        let failures = result.expectations.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }
        #expect(result.setupError == nil)
        #expect(failures.isEmpty, "\(failures)\n\(result.steps)")
        #expect(result.passed > 0)
    }
}
