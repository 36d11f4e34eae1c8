import Foundation
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer
@testable import PromelaExport

/// The Promela export: what it accepts, what it refuses (located), and — where SPIN is
/// installed — that SPIN and the explorer agree on a scenario's outcomes and verdicts.
@Suite struct PromelaExportTests {
    static let crosscheck = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios/crosscheck")

    static func load(_ name: String) throws -> Scenario {
        try ScenarioFile.load(crosscheck.appendingPathComponent(name).path)
    }

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: crosscheck.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func everyCrossCheckScenarioExports() throws {
        #expect(Self.names.count >= 3)
        for name in Self.names {
            let s = try Self.load(name)
            let text = try PromelaExporter.export(s, file: name)
            for a in s.actors.indices { #expect(text.contains("proctype actor\(a)()"), "\(name)") }
            #expect(text.contains("proctype observer()"))
            // Deterministic: the same model twice (scripts diff SPIN runs).
            #expect(try PromelaExporter.export(s, file: name) == text)
        }
    }

    @Test func theObserverPrintsTheExplorersOutcomeFormat() throws {
        let text = try PromelaExporter.export(try Self.load("gpio-ioctl-expects-ok.yaml"), file: "x")
        #expect(text.contains(#"printf(" user[2]=ENODEV")"#))
        #expect(text.contains(#"printf(" admin[1]=unfinished")"#))
        // The errno expectation is part of the verdict.
        #expect(text.contains("res[1] != 0"))
    }

    static func refusal(_ yaml: String) -> String {
        do {
            _ = try PromelaExporter.export(try ScenarioParser.parse(yaml, file: "t.yaml"), file: "t.yaml")
            return ""
        } catch {
            return error.description
        }
    }

    static let header = "schema: devmodel/scenario@1\nname: t\n"

    @Test func outsideTheSubsetIsRefusedWithItsLocation() {
        let watchdog = Self.refusal(Self.header + """
            board:
              watchdogs:
                - {name: wdt.0}
            actors:
              a:
                - open: /dev/watchdog0
            """)
        #expect(watchdog.contains("t.yaml:5:7: error: cannot export to Promela: the board may only have gpio_chips and misc_devices"))
        #expect(watchdog.contains("t.yaml:8:7: error: cannot export to Promela: /dev/watchdog0 is not a node of the board"))

        let after = Self.refusal(Self.header + """
            board:
              gpio_chips: [{name: gpio-sim.0, num_lines: 2}]
            actors:
              a:
                - open: /dev/gpiochip0
                  label: opened
              b:
                - unbind: gpio-sim.0
                  after: opened
                  expect: {returns: 1}
            """)
        #expect(after.contains("t.yaml:10:"))
        #expect(after.contains("`after:`"))
        #expect(after.contains("expectations other than errno"))

        let twoBinders = Self.refusal(Self.header + """
            board:
              gpio_chips: [{name: gpio-sim.0, num_lines: 2}]
            actors:
              a:
                - unbind: gpio-sim.0
              b:
                - bind: {device: gpio-sim.0, driver: gpio-sim}
            """)
        #expect(twoBinders.contains("bound and unbound by two actors"))

        let described = Self.refusal("""
            schema: devmodel/scenario@2
            name: t
            drivers:
              foo: {}
            actors: {}
            """)
        #expect(described.contains("t.yaml:4:3: error: cannot export to Promela: described drivers"), "\(described)")
    }

    /// The cross-check itself, when SPIN and a C compiler are installed (the CI machine has
    /// neither; `Scripts/spin-crosscheck.py` installs SPIN and runs all of them).
    @Test(.enabled(if: Spin.available)) func spinAndTheExplorerAgree() throws {
        let s = try Self.load("gpio-ioctl-expects-ok.yaml")
        let spin = try Spin.outcomes(of: try PromelaExporter.export(s, file: "x"))
        let r = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        let explored = Set(r.outcomes.keys.map { $0 + " VERDICT=" + (r.failingOutcomes[$0] == nil ? "pass" : "fail") })
        #expect(spin == explored)
        #expect(spin.contains { $0.hasSuffix("fail") } && spin.contains { $0.hasSuffix("pass") })
        // Bounded partial-order reduction keeps every outcome and verdict SPIN finds.
        let reduced = Explorer(scenario: s).explore(strategy: .reducedPreemptionBounded(maxPreemptions: 2))
        #expect(spin == Set(reduced.outcomes.keys.map { $0 + " VERDICT=" + (reduced.failingOutcomes[$0] == nil ? "pass" : "fail") }))
        #expect(reduced.executions < r.executions)
    }
}

/// SPIN run from a test: generate the verifier, compile it, collect the observer's lines.
enum Spin {
    static let available = ["/usr/bin/spin", "/usr/bin/gcc"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }

    static func outcomes(of model: String) throws -> Set<String> {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try model.write(to: dir.appendingPathComponent("m.pml"), atomically: true, encoding: .utf8)
        _ = try run("/usr/bin/spin", ["-a", "m.pml"], in: dir)
        _ = try run("/usr/bin/gcc", ["-O1", "-DPRINTF", "-DSAFETY", "-o", "pan", "pan.c"], in: dir)
        let out = try run(dir.appendingPathComponent("pan").path, ["-E", "-m1000000"], in: dir)
        #expect(out.contains("errors: 0"), "\(out)")
        return Set(out.split(separator: "\n").filter { $0.hasPrefix("OUTCOME ") }.map { String($0.dropFirst(8)) })
    }

    static func run(_ tool: String, _ args: [String], in dir: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.currentDirectoryURL = dir
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
