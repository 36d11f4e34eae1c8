import Foundation
import Testing

/// The CLI behaves the same everywhere: durations with units, real messages for negative
/// numbers, one exit status per kind of problem.
@Suite struct CLIConsistencyTests {
    @Test func torturedurationsTakeUnitsAndBareSecondsStillWork() throws {
        let units = try CLITests.run(["torture", "--duration", "200ms", "--stat-interval", "100ms", "--stutter", "100us",
                                      "--threads", "1", "-q"])
        #expect(units.status == 0, "\(units.err)")
        #expect(units.out.hasSuffix("SUCCESS\n"), "\(units.out)")
        let bare = try CLITests.run(["torture", "--duration", "0.2", "--threads", "1", "-q"])
        #expect(bare.status == 0, "\(bare.err)")
        let bad = try CLITests.run(["torture", "--duration", "soon"])
        #expect(bad.status == 64)
        #expect(bad.err.contains("'soon' is invalid for '--duration"), "\(bad.err)")
    }

    /// One way to choose a format: every command that prints JSON takes `--format json`.
    @Test(arguments: [
        (["bugs", "run", "--format", "json", "ch341-devres-wrong-device"], "devmodel/bugs@1"),
        (["demo", "--format", "json", "devres-order"], "devmodel/demo@1"),
        (["faults", "--format", "json", "--device", "gpio-sim.0"], "devmodel/faults@1"),
        (["conformance", "--format", "json", "--filter", "kunit_resource"], "devmodel/conformance@1"),
        (["run", "--format", "json", "-q", CLITests.example("devres-order.yaml")], "devmodel/runs@1"),
    ])
    func formatJSONEverywhere(_ args: [String], _ schema: String) throws {
        let r = try CLITests.run(args)
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        #expect(doc?["schema"] as? String == schema, "\(r.out.prefix(300))\(r.err)")
    }

    @Test(arguments: [
        (["torture", "--threads", "-1"], "--threads must be at least 1, not -1"),
        (["torture", "--duration", "-2s"], "'-2s' is invalid for '--duration"),
        (["explore", "--bound", "-1", "x.yaml"], "--bound must not be negative, not -1"),
        (["explore", "--executions", "-5", "x.yaml"], "--executions must be at least 1, not -5"),
        (["run", "--skip", "-1", "x.yaml"], "--skip must not be negative, not -1"),
        (["gpio", "mon", "-n", "-3", "-c", "0", "1"], "--num-events must be at least 1"),
    ])
    func negativeNumbersGetARealMessage(_ args: [String], _ message: String) throws {
        let r = try CLITests.run(args)
        #expect(r.status == 64, "\(r.err)")
        #expect(r.err.contains(message), "\(r.err)")
        #expect(!r.err.contains("Missing value"), "\(r.err)")
    }
}

/// Exit statuses: one meaning each, whatever the command.
@Suite struct CLIExitStatusTests {
    @Test(arguments: [["lint", "/nonexistent"], ["run", "/nonexistent.yaml"], ["check", "/nonexistent.yaml"],
                      ["explore", "/nonexistent.yaml"], ["merge", "/nonexistent.json"], ["tree", "/nonexistent.yaml"],
                      ["events", "/nonexistent.yaml"], ["gpio", "info", "--scenario", "/nonexistent.yaml"]])
    func aMissingInputIs66(_ args: [String]) throws {
        let r = try CLITests.run(args)
        #expect(r.status == 66, "\(r.err)")
        #expect(r.err.contains("/nonexistent"), "\(r.err)")
    }

    @Test func aDirectoryGivenAsAScenarioSaysSo() throws {
        let r = try CLITests.run(["run", CLITests.examples.path])
        #expect(r.status == 66)
        #expect(r.err.contains("is a directory, not a scenario file"), "\(r.err)")
    }

    @Test func anOutputIntoAMissingFolderIs73() throws {
        let r = try CLITests.run(["run", "-o", "/nonexistent-folder/out.txt", CLITests.example("devres-order.yaml")])
        #expect(r.status == 73, "\(r.err)")
        #expect(r.err.contains("cannot write /nonexistent-folder/out.txt"), "\(r.err)")
    }

    @Test func mergeRefusesTheSameShardTwice() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("shard-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try CLITests.run(["run", "--json", "-q", "-o", file.path, CLITests.example("devres-order.yaml")])
        #expect(run.status == 0, "\(run.err)")
        let r = try CLITests.run(["merge", file.path, file.path])
        #expect(r.status == 65, "\(r.err)")
        #expect(r.err.contains("given twice"), "\(r.err)")
    }

    @Test func conformanceFilterWithoutAMatchSaysWhy() throws {
        let r = try CLITests.run(["conformance", "--filter", "no-such-suite"])
        #expect(r.status == 4)
        #expect(r.err.contains("no conformance case matches --filter 'no-such-suite'"), "\(r.err)")
        let json = try CLITests.run(["conformance", "--format", "json", "--filter", "kunit_resource"])
        #expect(json.status == 0, "\(json.err)")
        #expect(json.out.contains("\"schema\" : \"devmodel/conformance@1\""), "\(json.out.prefix(200))")
    }

    @Test func theHelpAndTheReadmeListTheSameStatuses() throws {
        let help = try CLITests.run(["--help"]).out
        let readme = try String(contentsOf: CLITests.examples.deletingLastPathComponent().appendingPathComponent("README.md"),
                                encoding: .utf8)
        for status in [0, 1, 3, 4, 64, 65, 66, 70, 73, 124, 130] {
            #expect(help.contains(" \(status)  "), "--help lacks \(status)")
            #expect(readme.contains("| \(status) | "), "README lacks \(status)")
        }
    }

    /// JSON output does not escape '/' (paths and ids stay readable and greppable).
    @Test func jsonDoesNotEscapeSlashes() throws {
        let r = try CLITests.run(["bugs", "run", "--json", "ch341-devres-wrong-device"])
        #expect(!r.out.contains("\\/"), "\(r.out.prefix(400))")
    }
}

/// The kernel tools' shapes, as their users type them.
@Suite struct CLIToolShapeTests {
    @Test func i2cdetectTakesDashY() throws {
        let r = try CLITests.run(["i2c", "detect", "-y", "0"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("     0  1  2  3"), "\(r.out)")
    }

    @Test func gpioGetTakesLineNamesAndOffsets() throws {
        let names = try CLITests.run(["gpio", "get", "led0", "button"])
        #expect(names.status == 0, "\(names.err)")
        #expect(names.out == "\"led0\"=inactive \"button\"=inactive\n")
        let offsets = try CLITests.run(["gpio", "get", "0", "2"])
        #expect(offsets.out == "\"0\"=inactive \"2\"=inactive\n")
    }

    /// A problem found in run() prints the usage of the subcommand that ran.
    @Test func aValidationErrorPrintsTheSubcommandsUsage() throws {
        let r = try CLITests.run(["gpio", "get", "no-such-line"])
        #expect(r.status == 64)
        #expect(r.err.contains("Error: cannot find line 'no-such-line'"), "\(r.err)")
        #expect(r.err.contains("Usage: devmodel gpio get "), "\(r.err)")
        #expect(r.err.contains("See 'devmodel gpio get --help'"), "\(r.err)")
    }

    @Test func gpioinfoPrintsUnnamedAsLibgpiodDoes() throws {
        let r = try CLITests.run(["gpio", "info", "--scenario", CLITests.example("calls-race-unbind.yaml")])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("\tline   0:\tunnamed         \tinput"), "\(r.out)")
        #expect(!r.out.contains("\"\""), "\(r.out)")
    }
}
