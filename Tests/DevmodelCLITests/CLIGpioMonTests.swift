import Foundation
import Testing

/// `devmodel gpio mon`: libgpiod v2 gpiomon's event lines, driven by the simulated signal.
@Suite struct CLIGpioMonTests {
    static var line: Regex<(Substring, Substring, Substring)> { #/^\d+\.\d{9}\t(rising|falling)\t("[^"]+"|gpiochip\d+ \d+|[^"\t ]+)$/# }

    @Test func toggleWithAChipPrintsEveryEdgeInOrder() throws {
        let r = try CLITests.run(["gpio", "mon", "-c", "gpiochip0", "3", "7"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == """
            0.001000000\trising\t"irq-in"
            0.002000000\tfalling\t"irq-in"
            0.003000000\trising\t"spare"
            0.004000000\tfalling\t"spare"

            """)
    }

    @Test func numEventsAndEdgeFilter() throws {
        let r = try CLITests.run(["gpio", "mon", "--num-events", "3", "-e", "falling", "--unquoted", "led0", "button"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.split(separator: "\n") == ["0.002000000\tfalling\tled0", "0.004000000\tfalling\tbutton",
                                                 "0.006000000\tfalling\tled0"])
    }

    @Test func randomDriveIsReproducibleFromItsSeed() throws {
        let args = ["gpio", "mon", "-c", "0", "--drive", "random", "-n", "6", "1", "2", "5"]
        let a = try CLITests.run(args + ["--seed", "7"])
        let b = try CLITests.run(args + ["--seed", "7"])
        let c = try CLITests.run(args + ["--seed", "8"])
        #expect(a.status == 0 && b.status == 0 && c.status == 0)
        #expect(a.out == b.out)
        #expect(a.out != c.out)
        let lines = a.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines.allSatisfy { $0.wholeMatch(of: Self.line) != nil }, "\(lines)")
    }

    @Test func scriptOnAScenarioBoardNamesUnnamedLinesByChipAndOffset() throws {
        let r = try CLITests.run(["gpio", "mon", "--scenario", CLITests.example("gpio-blocked-reader-unbind.yaml"),
                                  "-c", "/dev/gpiochip0", "--script", "5:rising,6:falling,5:falling", "5", "6"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.split(separator: "\n") == ["0.001000000\trising\tgpiochip0 5", "0.002000000\tfalling\tgpiochip0 6",
                                                 "0.003000000\tfalling\tgpiochip0 5"])
    }

    @Test(arguments: [
        (["3"], "offsets need -c CHIP"),
        (["-c", "gpiochip0", "12"], "offset 12 is out of range"),
        (["-c", "gpiochip9", "1"], "cannot find GPIO chip gpiochip9"),
        (["-c", "gpiochip0", "--script", "9:rising", "3"], "'9' is not a monitored line"),
        (["-c", "gpiochip0", "--script", "3:up", "3"], "expected LINE:rising or LINE:falling"),
        (["-c", "gpiochip0", "-n", "0", "3"], "--num-events must be at least 1"),
        (["-c", "gpiochip0", "--period", "soon", "3"], "--period must be a duration"),
        (["-c", "gpiochip0", "3", "3"], "a line is given twice"),
    ])
    func badArgumentsAreUsageErrors(_ args: [String], _ message: String) throws {
        let r = try CLITests.run(["gpio", "mon"] + args)
        #expect(r.status == 64)
        #expect(r.out.isEmpty)
        #expect(r.err.contains(message), "\(r.err)")
    }
}

/// `-q`, `-v` (repeatable) and `--seed`: the same flags on every subcommand; logs go to
/// stderr at the chosen level, results to stdout whatever it is.
@Suite struct CLIGlobalFlagTests {

    /// Every leaf subcommand, as `devmodel --help` and the groups' helps list them.
    static func leafCommands() throws -> [[String]] {
        func subcommands(_ path: [String]) throws -> [String] {
            let help = try CLITests.run(path + ["--help"]).out
            guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
            // "  name   abstract"; wrapped abstract lines are indented further.
            return help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).prefix { $0.hasPrefix("  ") }
                .compactMap { $0.wholeMatch(of: #/  (\S+)( .*)?/#).map { String($0.1) } }
        }
        var leaves: [[String]] = []
        for top in try subcommands([]) where top != "help" {
            let nested = try subcommands([top]).filter { $0 != "help" }
            leaves += nested.isEmpty ? [[top]] : nested.map { [top, $0] }
        }
        return leaves
    }

    @Test func everySubcommandTakesQuietAndVerbose() throws {
        let leaves = try Self.leafCommands()
        #expect(leaves.count >= 20, "\(leaves)")
        #expect(leaves.contains(["gpio", "mon"]))
        for path in leaves {
            let help = try CLITests.run(path + ["--help"]).out
            #expect(help.contains("-q, --quiet") && help.contains("-v, --verbose"), "\(path.joined(separator: " "))")
        }
    }

    @Test func seedOnlyWhereChoicesAreRandom() throws {
        for path in [["explore"], ["torture"], ["gpio", "mon"]] {
            #expect(try CLITests.run(path + ["--help"]).out.contains("--seed <seed>"), "\(path)")
        }
        let tree = try CLITests.run(["tree", "--seed", "3", CLITests.example("devres-order.yaml")])
        #expect(tree.status == 64)
        #expect(tree.err.contains("Unknown option '--seed'"))
    }

    @Test func verbosityRaisesTheLogLevelOnStderrOnly() throws {
        let file = CLITests.example("devres-order.yaml")
        let runs = try ["", "-v", "-vv", "-vvv", "-q"].map { flag in
            try CLITests.run(["run", "--no-events", "--progress", "always"] + (flag.isEmpty ? [] : [flag]) + [file, file])
        }
        for r in runs { #expect(r.status == 0, "\(r.err)") }
        // Results are the same at every level.
        #expect(Set(runs.map { $0.out.replacingOccurrences(of: #"@\d+ns"#, with: "", options: .regularExpression) }).count == 1)
        func count(_ r: (status: Int32, out: String, err: String), _ level: String) -> Int {
            r.err.split(separator: "\n").count { $0.contains(" \(level) devmodel:") }
        }
        #expect(count(runs[0], "info") == 0)
        #expect(count(runs[1], "info") == 4 && count(runs[1], "debug") == 0)
        #expect(count(runs[2], "debug") > 0 && count(runs[2], "trace") == 0)
        #expect(count(runs[3], "trace") > 0)
        // -q: no logs and no progress line, even with --progress always.
        #expect(runs[4].err.isEmpty, "\(runs[4].err)")
        #expect(runs[0].err.contains("[2/2]"))
    }

    @Test func warningsShowByDefaultAndQuietSilencesThem() throws {
        // A negative control: the read never gets an edge, the watchdog finds the hang, and
        // the scenario expects exactly that finding, so the run passes with one warning.
        let text = """
            schema: devmodel/scenario@1
            name: hang-control
            timeout: 100ms
            board:
              gpio_chips:
                - {name: gpio-sim.0, num_lines: 4}
            actors:
              reader:
                - open: gpiochip0
                  as: chip
                - request_lines: {file: chip, offsets: [1], edges: true}
                  as: req
                - read: req
            expect:
              no_hang: false
              findings: 1

            """
        let url = try CLITests.temp(text)
        defer { try? FileManager.default.removeItem(at: url) }
        let loud = try CLITests.run(["run", "--no-events", url.path])
        let quiet = try CLITests.run(["run", "--no-events", "-q", url.path])
        #expect(loud.status == 0 && quiet.status == 0, "\(loud.err)")
        #expect(loud.err.contains("warning devmodel: [devmodel] hang-control: finding hang reader"), "\(loud.err)")
        #expect(quiet.err.isEmpty, "\(quiet.err)")
        #expect(quiet.out.contains("hang reader: still in step 3"))
    }

    @Test func quietAndVerboseTogetherIsUsage() throws {
        let r = try CLITests.run(["check", "-q", "-v", CLITests.example("devres-order.yaml")])
        #expect(r.status == 64)
        #expect(r.err.contains("cannot be combined"))
    }
}
