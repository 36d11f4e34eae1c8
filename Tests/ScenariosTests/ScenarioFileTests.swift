import Foundation
import Testing
@testable import ScenarioModel

@Suite struct ScenarioFileTests {
    /// The exit code loading `path` maps to; nil if it loaded.
    static func exitCode(_ path: String) -> Int32? {
        do {
            _ = try ScenarioFile.load(path)
            return nil
        } catch {
            return error.exitCode
        }
    }

    @Test func missingFileIsExit66() { #expect(Self.exitCode("/nonexistent/x.yaml") == 66) }

    @Test func aDirectoryIsMissingInputNotACrash() { #expect(Self.exitCode(Examples.directory.path) == 66) }

    @Test func invalidFileIsExit65WithTheFileName() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scen-\(UUID().uuidString).yaml")
        try Data("schema: devmodel/scenario@1\nname: t\nactors: 3\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try ScenarioFile.load(url.path)
            Issue.record("loaded")
        } catch {
            #expect(error.exitCode == 65)
            #expect(error.description.hasPrefix("\(url.path):3:9: error: actors must be a mapping"))
        }
    }

    @Test func binaryGarbageIsInvalidNotACrash() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scen-\(UUID().uuidString).yaml")
        try Data([0xFF, 0xFE, 0x00, 0x81, 0x3A]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(Self.exitCode(url.path) == 65)
    }

    @Test func examplesLoad() throws {
        for url in Examples.files { _ = try ScenarioFile.load(url.path) }
    }
}
