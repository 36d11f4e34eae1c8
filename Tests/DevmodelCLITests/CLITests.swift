import Foundation
import Testing

/// The `devmodel run/check/tree` commands, run as the built executable (it sits next to the
/// test bundle). Exit codes: 0 ok, 1 failures, 65 invalid scenario, 66 missing input.
///
/// These tests fail, never skip, when the executable is missing: `swift build --build-tests`
/// (or `swift build`) builds it next to the test bundle.
@Suite struct CLITests {
    static var binary: URL? {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        return candidates.map { $0.appendingPathComponent("devmodel") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct MissingBinary: Error, CustomStringConvertible {
        var description: String {
            "the devmodel executable is not next to the test bundle; build it with 'swift build' before 'swift test --skip-build'"
        }
    }

    /// The executable, or an error that fails the calling test.
    static func executable() throws -> URL {
        guard let binary else { throw MissingBinary() }
        return binary
    }

    static func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = try executable()
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// The example scenarios under `Scenarios/` at the repository root.
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scenarios")

    static func example(_ name: String) -> String { examples.appendingPathComponent(name).path }

    static func temp(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).yaml")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func runGreenIsExit0() throws {
        let r = try Self.run(["run", Self.example("devres-order.yaml")])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasSuffix("5 passed, 0 failed\n"))
    }

    @Test func failingExpectationIsExit1() throws {
        var text = try String(contentsOfFile: Self.example("devres-order.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "expect: {errno: OK}", with: "expect: {errno: EBUSY}")
        let url = try Self.temp(text)
        defer { try? FileManager.default.removeItem(at: url) }
        let r = try Self.run(["run", url.path])
        #expect(r.status == 1)
        #expect(r.out.contains("FAIL admin[step 1] errno EBUSY: got OK"))
    }

    @Test func invalidIsExit65AndMissingIs66() throws {
        let url = try Self.temp("schema: devmodel/scenario@1\nname: t\nactors:\n  a:\n    - unbind: nothing\n")
        defer { try? FileManager.default.removeItem(at: url) }
        let bad = try Self.run(["check", url.path])
        #expect(bad.status == 65)
        #expect(bad.err.hasPrefix("\(url.path):5:7: error: unknown device 'nothing'"))
        #expect(try Self.run(["run", url.path]).status == 65)
        #expect(try Self.run(["check", "/nonexistent.yaml"]).status == 66)
        #expect(try Self.run(["check", Self.example("deferred-probe.yaml")]).status == 0)
    }

    @Test func jsonIsOneDocument() throws {
        let r = try Self.run(["run", "--json", Self.example("deferred-probe.yaml"), Self.example("devres-order.yaml")])
        #expect(r.status == 0)
        let doc = try #require(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(doc["schema"] as? String == "devmodel/runs@1")
        #expect((doc["runs"] as? [Any])?.count == 2)
    }

    @Test func treeShowsTheBoard() throws {
        let r = try Self.run(["tree", Self.example("device-links.yaml")])
        #expect(r.status == 0)
        #expect(r.out.hasSuffix("link clkctrl.0 -> display.0 [active]\n"))
    }

    @Test func eventsPrintsUdevadmShapedLines() throws {
        let r = try Self.run(["events", "--kernel-only", Self.example("usb-hot-unplug-file-open.yaml")])
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        let shape = #/^KERNEL\[\d+\.\d{6}\] (add|remove|bind|unbind) +/devices/\S+ \(\S+\)$/#
        #expect(lines.allSatisfy { $0.wholeMatch(of: shape) != nil }, "\(lines)")
        #expect(lines.contains { $0.contains("remove") && $0.contains("/devices/usb/usb1-1") })
        let json = try Self.run(["events", "--json", Self.example("usb-hot-unplug-file-open.yaml")])
        let first = try #require(json.out.split(separator: "\n").first)
        #expect(try JSONSerialization.jsonObject(with: Data(first.utf8)) is [String: Any])
    }

    @Test func gpioAndI2cToolsOnTheBuiltInBoard() throws {
        let detect = try Self.run(["gpio", "detect"])
        #expect(detect.status == 0)
        #expect(detect.out == "gpiochip0 [gpio-sim.0] (8 lines)\n")
        let info = try Self.run(["gpio", "info", "-c", "gpiochip0"])
        #expect(info.out.hasPrefix("gpiochip0 - 8 lines:\n\tline   0:\t\"led0\""))
        let set = try Self.run(["gpio", "set", "3=1", "4=0"])
        #expect(set.out == "\"3\"=active \"4\"=inactive\n")
        let bad = try Self.run(["gpio", "set", "3=7"])
        #expect(bad.status == 64)
        let missing = try Self.run(["gpio", "info", "-c", "gpiochip9"])
        #expect(missing.status != 0)
        let grid = try Self.run(["i2c", "detect", "0"])
        let rows = grid.out.split(separator: "\n").map(String.init)
        #expect(rows.first == "     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f")
        #expect(rows.count == 9)
        #expect(rows[6].hasPrefix("50: 50 --"))
        let noBus = try Self.run(["i2c", "detect", "7"])
        #expect(noBus.status == 1)
        #expect(noBus.err.contains("ENOENT"))
    }

    @Test(arguments: ["gpio-unbind", "i2c-del-adapter", "hotplug", "deferred", "devres-order"])
    func demoStories(_ story: String) throws {
        let r = try Self.run(["demo", story])
        #expect(r.status == 0, "\(r.err)")
        switch story {
        case "gpio-unbind": #expect(r.out.contains("the waiting read returned ENODEV"))
        case "i2c-del-adapter": #expect(r.out.contains("read after unbind returned ENODEV") && r.out.contains("i2c-0: released"))
        case "hotplug": #expect(r.out.contains("1-1:1.1: released (last reference dropped)"))
        case "deferred": #expect(r.out.contains("probe deferred (supply vdd not found)"))
        default: #expect(r.out.contains("-> exactly the reverse"))
        }
        let bad = try Self.run(["demo", "no-such-story"])
        #expect(bad.status == 64)
    }

    @Test func shardsCoverEveryJobOnceAndMergeJoinsThem() throws {
        let files = [Self.example("devres-order.yaml"), Self.example("deferred-probe.yaml")]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var outputs: [String] = []
        for i in 1...3 {
            let out = dir.appendingPathComponent("s\(i).json").path
            let r = try Self.run(["run", "--repeat", "2", "--shard", "\(i)/3", "--json", "--progress", "never", "-o", out] + files)
            #expect(r.status == 0, "\(r.err)")
            outputs.append(out)
        }
        let merged = try Self.run(["merge"] + outputs)
        #expect(merged.status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(merged.out.utf8)) as? [String: Any])
        #expect((doc["runs"] as? [Any])?.count == 4)  // 2 scenarios x 2 repetitions, each in exactly one shard
        let empty = try Self.run(["run", "--shard", "3/3", Self.example("devres-order.yaml")])
        #expect(empty.status == 4)
        let notJSON = try Self.run(["merge", Self.example("devres-order.yaml")])
        #expect(notJSON.status == 65)
    }

    @Test func colourOnlyWhenAskedOrOnATerminal() throws {
        let plain = try Self.run(["run", "--no-events", Self.example("devres-order.yaml")])  // a pipe: no colour
        #expect(!plain.out.contains("\u{1B}["))
        let forced = try Self.run(["run", "--no-events", "--color", "always", Self.example("devres-order.yaml")])
        #expect(forced.out.contains("\u{1B}[32mPASS"))
    }

    @Test func treeAtALabelShowsTheMidScenarioState() throws {
        let r = try Self.run(["tree", "--at", "unbind", Self.example("gpio-blocked-reader-unbind.yaml")])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("gpio-sim.0 (platform) unbound"))
        let before = try Self.run(["tree", Self.example("gpio-blocked-reader-unbind.yaml")])
        #expect(before.out.contains("gpio-sim.0 (platform) bound"))
        let missing = try Self.run(["tree", "--at", "no-such-label", Self.example("gpio-blocked-reader-unbind.yaml")])
        #expect(missing.status == 64)
    }

    @Test func exploreReportsExecutionsAndRejectsAForeignReplay() throws {
        let r = try Self.run(["explore", "--bound", "1", Self.example("gpio-blocked-reader-unbind.yaml")])
        #expect(r.status == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("executions") && r.out.contains("0 failing"))
        let foreign = try Self.run(["explore", "--replay", "dm1:0000000000000000:pb2:-", Self.example("gpio-blocked-reader-unbind.yaml")])
        #expect(foreign.status == 65)
    }

    /// A failing exploration as JSON and KTAP, and its failing schedule traced to a directory.
    /// A capped search is not a verdict: exit 3 and a line saying so, not "no failure" or a
    /// bare "NOT REACHED".
    @Test func exploreThatHitsTheExecutionCapSaysSoWithExit3() throws {
        let example = Self.example("gpio-blocked-reader-unbind.yaml")
        let capped = try Self.run(["explore", "--strategy", "exhaustive", "--executions", "3", "--progress", "never", example])
        #expect(capped.status == 3, "\(capped.out)\(capped.err)")
        #expect(capped.err.contains("stopped at the cap of 3 executions"), "\(capped.err)")
        // A search whose last schedule is the cap-th is complete (devres-order has one).
        let whole = try Self.run(["explore", "--strategy", "exhaustive", "--executions", "1", "--progress", "never",
                                  Self.example("devres-order.yaml")])
        #expect(whole.status == 0, "\(whole.out)\(whole.err)")
    }

    /// Every JSON document names its format, as run, explore, conformance and faults do.
    @Test(arguments: [
        (["torture", "--duration", "0.2", "--threads", "1", "--json", "-q"], "devmodel/torture@1"),
        (["bugs", "run", "--json", "ch341-devres-wrong-device"], "devmodel/bugs@1"),
        (["lint", "--format", "json", "Tests/DevmLintTests/Fixtures"], "devmodel/lint@1"),
    ])
    func jsonDocumentsCarryASchema(_ args: [String], _ schema: String) throws {
        let root = Self.examples.deletingLastPathComponent()
        let r = try Self.run(args.map { $0.hasPrefix("Tests/") ? root.appendingPathComponent($0).path : $0 })
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        #expect(doc?["schema"] as? String == schema, "\(r.out.prefix(300))\(r.err)")
    }

    /// `lint -q` prints nothing but findings: each on stdout, no summary on stderr.
    @Test func lintQuietPrintsOnlyFindings() throws {
        let fixtures = Self.examples.deletingLastPathComponent().appendingPathComponent("Tests/DevmLintTests/Fixtures/cdev_plain")
        let loud = try Self.run(["lint", fixtures.path])
        let quiet = try Self.run(["lint", "-q", fixtures.path])
        #expect(loud.status == 1 && quiet.status == 1, "\(loud.err)")
        #expect(loud.err.contains("finding(s)"))
        #expect(quiet.err.isEmpty, "\(quiet.err)")
        #expect(quiet.out == loud.out)
        #expect(quiet.out.split(separator: "\n").allSatisfy { $0.contains(": error: [") || $0.contains(": warning: [") || $0.contains(": note: ") },
                "\(quiet.out)")
    }

    /// `lint --witness DIR` writes files `explore` runs: the replay string it prints
    /// reproduces the use after free, and the fixed file explores clean.
    @Test func lintWitnessWritesScenariosThatExploreReplays() throws {
        let fixtures = Self.examples.deletingLastPathComponent().appendingPathComponent("Tests/DevmLintTests/Fixtures/misc_basic")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-witness-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lint = try Self.run(["lint", "--witness", dir, fixtures.path])
        #expect(lint.status == 1, "\(lint.err)")
        #expect(lint.out.contains("note: witness confirmed: a schedule reaches the use-after-unbind"), "\(lint.out)")
        let line = try #require(lint.out.split(separator: "\n").first { $0.contains("note: witness: devmodel explore ") })
        let words = line.split(separator: " ").map(String.init)
        let replay = try #require(words.last)
        let buggy = try #require(words.first { $0.hasSuffix(".buggy.yaml") })
        let replayed = try Self.run(["explore", buggy, "--replay", replay])
        #expect(replayed.status == 1)
        #expect(replayed.out.contains("use-after-unbind widget#1"), "\(replayed.out)")
        let fixed = try Self.run(["explore", "--progress", "never", buggy.replacingOccurrences(of: ".buggy.yaml", with: ".fixed.yaml")])
        #expect(fixed.status == 0, "\(fixed.out)\(fixed.err)")
    }

    @Test func exploreFormatsAndTraceTheFailingSchedule() throws {
        let file = try Self.temp("""
            schema: devmodel/scenario@1
            name: open-vs-unbind
            board:
              gpio_chips:
                - {name: gpio-sim.0, num_lines: 4}
            actors:
              user:
                - open: gpiochip0
                  as: chip
                  expect: {errno: OK}
              admin:
                - unbind: gpio-sim.0
            """)
        defer { try? FileManager.default.removeItem(at: file) }
        let json = try Self.run(["explore", "--format", "json", file.path])
        #expect(json.status == 1)
        let doc = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        #expect(doc?["schema"] as? String == "devmodel/explore@1")
        #expect(doc?["passed"] as? Bool == false)
        let failures = doc?["failures"] as? [[String: Any]]
        #expect((failures?.first?["replay"] as? String)?.hasPrefix("dm1:") == true)

        let ktap = try Self.run(["explore", "--format", "ktap", file.path])
        #expect(ktap.out.hasPrefix("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: explore open-vs-unbind\n"))
        #expect(ktap.out.contains("    # replay: dm1:"))
        #expect(ktap.out.contains("not ok 1 explore open-vs-unbind"))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let traced = try Self.run(["explore", "--trace", dir.path, file.path])
        #expect(traced.status == 1)
        for ext in ["perfetto.json", "svg", "run.json", "dot"] {
            let path = dir.appendingPathComponent("open-vs-unbind.\(ext)").path
            #expect(FileManager.default.fileExists(atPath: path), "\(ext): \(traced.err)")
        }
        let dot = try String(contentsOf: dir.appendingPathComponent("open-vs-unbind.dot"), encoding: .utf8)
        #expect(dot.hasPrefix("digraph"))
        let run = try String(contentsOf: dir.appendingPathComponent("open-vs-unbind.run.json"), encoding: .utf8)
        #expect(run.contains("\"errno\" : \"EN"))
    }

    @Test func deadlineIs124AndInterruptIs130WithAResumeHint() throws {
        let late = try Self.run(["run", "--deadline", "1ns", Self.example("devres-order.yaml")])
        #expect(late.status == 124)
        #expect(late.err.contains("resume with --skip 0"))
        let p = Process()
        p.executableURL = try Self.executable()
        // -v logs "running <name>" before each job, once the SIGINT handler is installed: the
        // readiness line to interrupt on.
        p.arguments = ["run", "-v", "--repeat", "100000", "--progress", "never", Self.example("devres-order.yaml")]
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("running ") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the process ended first: the expectations below say so
            seen.append(chunk)
        }
        p.interrupt()
        seen.append(err.fileHandleForReading.readDataToEndOfFile())
        let text = String(decoding: seen, as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        #expect(text.contains("interrupted after") && text.contains("resume with --skip"), "\(text)")
    }
}
