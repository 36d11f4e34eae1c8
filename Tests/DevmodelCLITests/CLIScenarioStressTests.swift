import Foundation
import Testing

/// `torture --scenario` and `faults --scenario`: the file handling and the documents of the
/// other scenario commands (located errors, exit 65/66, a JSON schema), bounded by iterations.
@Suite struct CLIScenarioStressTests {
    @Test(arguments: [["torture", "--iterations", "3"], ["faults"]])
    func aBadFileIsALocatedErrorWithExit65(_ command: [String]) throws {
        let bad = try CLITests.temp("schema: devmodel/scenario@1\nname: bad\nactors:\n  a:\n    - unbind: nope\n")
        defer { try? FileManager.default.removeItem(at: bad) }
        let r = try CLITests.run(command + ["--scenario", bad.path])
        #expect(r.status == 65, "\(r.out)\(r.err)")
        #expect(r.err.contains("\(bad.path):5:7: error: unknown device 'nope'"), "\(r.err)")
        let missing = try CLITests.run(command + ["--scenario", "/nonexistent/x.yaml"])
        #expect(missing.status == 66, "\(missing.err)")
    }

    @Test(arguments: [
        (["torture", "--iterations", "5", "--json", "-q"], "devmodel/torture-scenario@1"),
        (["faults", "--format", "json"], "devmodel/faults-scenario@1"),
    ])
    func aCleanScenarioIsExit0WithASchema(_ command: [String], _ schema: String) throws {
        let r = try CLITests.run(command + ["--scenario", CLITests.example("gpio-irq-unbind.yaml")])
        #expect(r.status == 0, "\(r.out)\(r.err)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        #expect(doc?["schema"] as? String == schema, "\(r.out.prefix(300))")
    }

    @Test func tortureTextReportsEachStepsOutcomesAndTheVerdict() throws {
        let r = try CLITests.run(["torture", "--scenario", CLITests.example("gpio-irq-unbind.yaml"), "--iterations", "10",
                                  "--stutter-us", "20", "-q"])
        #expect(r.status == 0, "\(r.out)\(r.err)")
        #expect(r.out.hasPrefix("torture: gpio-irq-unbind: 10 iterations in "), "\(r.out)")
        #expect(r.out.contains("torture: admin[step 1]: OK=10 (admissible: OK)"), "\(r.out)")
        #expect(r.out.hasSuffix("SUCCESS\n"), "\(r.out)")
    }

    /// A step whose stated outcome never happens (an unbind of a bound device succeeds): FAILURE, exit 1.
    @Test func anInadmissibleOutcomeIsExit1() throws {
        let file = try CLITests.temp("""
            schema: devmodel/scenario@1
            name: wrong-expectation
            board: {gpio_chips: [{name: gpio-sim.0, num_lines: 4}]}
            actors:
              admin: [{unbind: gpio-sim.0, expect: {errno: EBUSY}}]
            """)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try CLITests.run(["torture", "--scenario", file.path, "--iterations", "3", "-q"])
        #expect(r.status == 1, "\(r.out)\(r.err)")
        #expect(r.out.contains("torture: FAIL unexpected admin[step 1] → OK ×3, first in iteration 1"), "\(r.out)")
    }

    @Test(arguments: [
        (["torture", "--iterations", "3"], "--iterations needs --scenario"),
        (["torture", "--scenario", "x.yaml", "--broken", "fence"], "apply to the built-in board, not to --scenario"),
        (["faults", "--scenario", "x.yaml", "--device", "gpio-sim.0"], "--device applies to the built-in board"),
    ])
    func builtInBoardOptionsAreRefusedWithAScenario(_ args: [String], _ message: String) throws {
        let r = try CLITests.run(args)
        #expect(r.status == 64, "\(r.err)")
        #expect(r.err.contains(message), "\(r.err)")
    }
}
