import Testing
@testable import ScenarioModel

/// Bad scenario files: each must give a located error (file:line:col) naming the problem,
/// and never a scenario.
@Suite struct MalformedScenarioTests {
    static let header = "schema: devmodel/scenario@1\nname: t\n"
    static let board = """
        board:
          gpio_chips:
            - name: gpio-sim.0
              num_lines: 4

        """

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let line: Int
        let column: Int?
        let message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing schema", text: "name: t\nactors: {}\n", line: 1, column: 1, message: "missing 'schema: devmodel/scenario@2'"),
        Case(name: "wrong schema", text: "schema: devmodel/scenario@9\nname: t\nactors: {}\n", line: 1, column: 9,
             message: "unsupported schema 'devmodel/scenario@9'"),
        Case(name: "unknown top-level key", text: header + "actors: {}\ncolour: red\n", line: 4, column: 1,
             message: "unknown key 'colour' in the scenario"),
        Case(name: "unknown key in a step", text: header + board + "actors:\n  a:\n    - unbind: gpio-sim.0\n      lable: x\n",
             line: 10, column: 7, message: "unknown key 'lable' in a step"),
        Case(name: "wrong type: num_lines", text: header + "board:\n  gpio_chips:\n    - name: c\n      num_lines: eight\nactors: {}\n",
             line: 6, column: 18, message: "num_lines must be an integer, found 'eight'"),
        Case(name: "wrong type: actors is a list", text: header + "actors: [a, b]\n", line: 3, column: 9,
             message: "actors must be a mapping, found a list"),
        Case(name: "unknown device", text: header + board + "actors:\n  a:\n    - unbind: gpio-sim.9\n", line: 9, column: 7,
             message: "unknown device 'gpio-sim.9'"),
        Case(name: "unknown label in after", text: header + board + "actors:\n  a:\n    - unbind: gpio-sim.0\n      after: nowhere\n",
             line: 9, column: 7, message: "unknown label 'nowhere' in after"),
        Case(name: "wait cycle", text: header + board + """
            actors:
              a:
                - wait: {actor: b, blocked_in: lb}
                - unbind: gpio-sim.0
                  label: la
              b:
                - wait: {actor: a, blocked_in: la}
                - sleep: 1ms
                  label: lb

            """, line: 9, column: 7, message: "wait cycle"),
        Case(name: "wait on a wait step", text: header + board + """
            actors:
              a:
                - wait: {actor: b, blocked_in: lb}
                  label: la
              b:
                - wait: {actor: a, blocked_in: la}
                  label: lb

            """, line: 9, column: 7, message: "'lb' is a wait step"),
        Case(name: "bad YAML", text: header + "actors: {a: [\n", line: 4, column: nil, message: "syntax error"),
        Case(name: "unknown driver", text: header + board + "actors:\n  a:\n    - bind: {device: gpio-sim.0, driver: nope}\n",
             line: 9, column: 7, message: "unknown driver 'nope'"),
        Case(name: "two actions in a step", text: header + board + "actors:\n  a:\n    - unbind: gpio-sim.0\n      sleep: 1ms\n",
             line: 10, column: 7, message: "a step has one action; found unbind and sleep"),
        Case(name: "no action", text: header + "actors:\n  a:\n    - label: x\n", line: 5, column: 7, message: "a step needs one action"),
        Case(name: "unknown errno", text: header + board + "actors:\n  a:\n    - unbind: gpio-sim.0\n      expect: {errno: ENOPE}\n",
             line: 10, column: 23, message: "unknown errno 'ENOPE'"),
        Case(name: "JSON with a trailing comma",
             text: "{\"schema\": \"devmodel/scenario@1\", \"name\": \"t\",\n \"actors\": {\"a\": [{\"unbind\": \"x\"},]}}\n",
             line: 2, column: 34, message: "a trailing comma before ']' is not JSON"),
        Case(name: "JSON with a YAML-only comment", text: "{\"schema\": \"devmodel/scenario@1\" # no\n}\n", line: 1, column: 1,
             message: "not valid JSON"),
        Case(name: "a NUL byte, at its own position", text: header + "actors:\n  a:\n    - unbind: x\u{0}y\n", line: 5, column: 16,
             message: "a NUL byte is not allowed"),
        Case(name: "bad duration", text: header + "actors:\n  a:\n    - sleep: 10 minutes\n", line: 5, column: 14,
             message: "sleep must be a duration"),
        Case(name: "unknown file handle", text: header + board + "actors:\n  a:\n    - read: req\n", line: 9, column: 7,
             message: "unknown file 'req'"),
        Case(name: "unknown device node", text: header + board + "actors:\n  a:\n    - open: /dev/gpiochip3\n", line: 9, column: 7,
             message: "unknown device node '/dev/gpiochip3'"),
        Case(name: "JSON with an unknown key", text: """
            {
              "schema": "devmodel/scenario@1",
              "name": "t",
              "actors": {},
              "extra": 1
            }
            """, line: 5, column: 3, message: "unknown key 'extra'"),
        Case(name: "duplicate label", text: header + board + "actors:\n  a:\n    - unbind: gpio-sim.0\n      label: x\n    - sleep: 1ms\n      label: x\n",
             line: 11, column: 7, message: "label 'x' used twice"),
        Case(name: "wait on an unknown actor", text: header + "actors:\n  a:\n    - wait: {actor: ghost, blocked_in: x}\n",
             line: 5, column: 7, message: "unknown actor 'ghost'"),
        Case(name: "edge line out of range", text: header + board + "actors:\n  a:\n    - edge: {chip: gpio-sim.0, offset: 4}\n",
             line: 9, column: 7, message: "gpio-sim.0 has no line 4"),
        Case(name: "unknown ioctl request", text: header + board + "actors:\n  a:\n    - open: gpiochip0\n    - ioctl: {file: gpiochip0, request: frob}\n",
             line: 10, column: 41, message: "unknown ioctl request 'frob'"),
        Case(name: "malformed within", text: header + board + "actors:\n  a:\n    - unbind: gpio-sim.0\n      expect: {within: soon}\n",
             line: 10, column: 24, message: "within must read 'DURATION after LABEL'"),
        Case(name: "timeout out of range", text: header + "timeout: 18446744073s\nactors: {}\n", line: 3, column: 10,
             message: "timeout must be between 1ns and 3600s"),
        Case(name: "duplicate actor", text: header + "actors:\n  a: []\n  a: []\n", line: 4, column: 3, message: "duplicate key a"),
        Case(name: "hog outside the chip", text: header + "board:\n  gpio_chips:\n    - name: c\n      num_lines: 2\n      hogs: [{offset: 2}]\n actors: {}\n".replacingOccurrences(of: "\n actors", with: "\nactors"),
             line: 7, column: 14, message: "hog offset 2 is not a line of a 2-line chip"),
        Case(name: "empty file", text: "", line: 1, column: 1, message: "empty file"),
        Case(name: "not a mapping", text: "- just\n- a list\n", line: 1, column: 1, message: "the scenario must be a mapping"),
        Case(name: "unknown link flag", text: header + board.replacingOccurrences(of: "num_lines: 4\n", with: "num_lines: 4\n  links:\n    - {supplier: gpio-sim.0, consumer: gpio-sim.0, flags: [sticky]}\n") + "actors: {}\n",
             line: 8, column: 59, message: "unknown link flag 'sticky'"),
        Case(name: "consumer without a handle name", text: header + board + "actors:\n  a:\n    - gpiod_get: {chip: gpiochip0, offset: 1}\n",
             line: 9, column: 7, message: "gpiod_get needs 'as:' to name the handle it returns"),
        Case(name: "consumer on an unknown chip", text: header + board + "actors:\n  a:\n    - gpiod_get: {chip: gpiochip7, offset: 1}\n      as: d\n",
             line: 9, column: 7, message: "unknown GPIO chip 'gpiochip7'"),
        Case(name: "malformed reachable", text: header + board + "actors:\n  a:\n    - unbind: gpio-sim.0\n      label: u\nexpect:\n  reachable: [u is ENODEV]\n",
             line: 12, column: 15, message: "reachable must read 'LABEL → ERRNO'"),
        Case(name: "unknown errno in reachable", text: header + board + "actors:\n  a:\n    - unbind: gpio-sim.0\n      label: u\nexpect:\n  reachable: [u -> EBOGUS]\n",
             line: 12, column: 15, message: "unknown errno 'EBOGUS' in reachable"),
        Case(name: "unknown label in reachable", text: header + board + "actors:\n  a:\n    - unbind: gpio-sim.0\n      label: u\nexpect:\n  reachable: [v → OK]\n",
             line: 12, column: 15, message: "unknown label 'v' in reachable"),
    ]

    @Test(arguments: cases)
    func locatedError(_ c: Case) {
        do {
            _ = try ScenarioParser.parse(c.text, file: "bad.yaml")
            Issue.record("\(c.name): parsed, expected an error")
        } catch {
            let first = error.diagnostics.first
            #expect(first?.file == "bad.yaml")
            #expect(first?.location.line == c.line, "\(error)")
            if let column = c.column { #expect(first?.location.column == column, "\(error)") }
            #expect(error.diagnostics.contains { $0.message.contains(c.message) }, "\(error)")
            #expect(first?.description.hasPrefix("bad.yaml:\(c.line):") == true)
        }
    }

    @Test func atLeastFifteenCases() { #expect(Self.cases.count >= 15) }

    @Test func diagnosticShowsTheOffendingLine() throws {
        let text = Self.header + Self.board + "actors:\n  a:\n    - unbind: gpio-sim.9\n"
        #expect(throws: ScenarioError.self) { try ScenarioParser.parse(text, file: "f.yaml") }
        do { _ = try ScenarioParser.parse(text, file: "f.yaml") } catch {
            #expect(error.description == """
                f.yaml:9:7: error: unknown device 'gpio-sim.9'
                        - unbind: gpio-sim.9
                          ^
                """)
        }
    }

    @Test func everyProblemIsReportedNotJustTheFirst() {
        let text = Self.header + "actors:\n  a:\n    - sleep: soon\n    - unbind: 3\n      bogus: 1\n"
        do {
            _ = try ScenarioParser.parse(text, file: "f.yaml")
            Issue.record("parsed")
        } catch {
            #expect(error.diagnostics.count >= 2, "\(error)")
        }
    }
}
