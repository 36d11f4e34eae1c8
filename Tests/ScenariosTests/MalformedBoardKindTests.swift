import Testing
@testable import ScenarioModel

/// Bad SPI, watchdog and misc entries and their ioctls: each gives a located error at the
/// offending key or value, and never a scenario (nor a crash).
@Suite struct MalformedBoardKindTests {
    static let header = "schema: devmodel/scenario@1\nname: t\n"
    typealias Case = MalformedScenarioTests.Case

    static let cases: [Case] = [
        Case(name: "unknown key in an spi controller",
             text: header + "board:\n  spi_controllers:\n    - {name: spi-sim.0, chipselects: 2}\nactors: {}\n",
             line: 5, column: 25, message: "unknown key 'chipselects' in an spi controller"),
        Case(name: "wrong type: chip_selects",
             text: header + "board:\n  spi_controllers:\n    - name: spi-sim.0\n      chip_selects: two\nactors: {}\n",
             line: 6, column: 21, message: "chip_selects must be an integer, found 'two'"),
        Case(name: "chip_selects out of range",
             text: header + "board:\n  spi_controllers:\n    - name: spi-sim.0\n      chip_selects: 17\nactors: {}\n",
             line: 6, column: 21, message: "chip_selects must be between 1 and 16, found 17"),
        Case(name: "spi_controllers is a mapping", text: header + "board:\n  spi_controllers: {name: spi.0}\nactors: {}\n",
             line: 4, column: 20, message: "spi_controllers must be a list, found a mapping"),
        Case(name: "watchdog timeout out of range",
             text: header + "board:\n  watchdogs:\n    - name: wdt.0\n      timeout: 0\nactors: {}\n",
             line: 6, column: 16, message: "timeout must be between 1 and 600 seconds, found 0"),
        Case(name: "wrong type: nowayout", text: header + "board:\n  watchdogs:\n    - {name: wdt.0, nowayout: maybe}\nactors: {}\n",
             line: 5, column: 31, message: "nowayout must be true or false, found 'maybe'"),
        Case(name: "watchdogs disagree on module",
             text: header + "board:\n  watchdogs:\n    - {name: wdt.0, module: true}\n    - {name: wdt.1}\nactors: {}\n",
             line: 6, column: 7,
             message: "watchdog 'wdt.1': every watchdog of a board is a module or none is (one softdog driver serves them all)"),
        Case(name: "delete_module of a built-in softdog",
             text: header + "board:\n  watchdogs:\n    - {name: wdt.0}\nactors:\n  a:\n    - delete_module: softdog\n",
             line: 8, column: 7,
             message: "unknown module 'softdog'; a described driver names its module with 'module:', a board's watchdogs with 'module: true'"),
        Case(name: "misc device without node", text: header + "board:\n  misc_devices:\n    - name: misc-sim.0\nactors: {}\n",
             line: 5, column: 7, message: "a misc device needs 'node'"),
        Case(name: "misc node is a path",
             text: header + "board:\n  misc_devices:\n    - {name: misc-sim.0, node: dev/pipe}\nactors: {}\n",
             line: 5, column: 32, message: "node must be a name under /dev without '/'"),
        Case(name: "misc node twice",
             text: header + "board:\n  misc_devices:\n    - {name: a.0, node: pipe}\n    - {name: b.0, node: pipe}\nactors: {}\n",
             line: 6, column: 7, message: "misc node 'pipe' is already a node of this board"),
        Case(name: "misc node that another subsystem publishes",
             text: header + "board:\n  spi_controllers:\n    - {name: spi.0}\n  misc_devices:\n    - {name: m.0, node: spidev0.0}\nactors: {}\n",
             line: 7, column: 7, message: "misc node 'spidev0.0' is already a node of this board"),
        Case(name: "misc minor out of range",
             text: header + "board:\n  misc_devices:\n    - {name: m.0, node: pipe, minor: 200}\nactors: {}\n",
             line: 5, column: 38, message: "minor must be between 0 and 127, found 200"),
        Case(name: "one name, two kinds",
             text: header + "board:\n  watchdogs:\n    - {name: x.0}\n  misc_devices:\n    - {name: x.0, node: pipe}\nactors: {}\n",
             line: 7, column: 7, message: "device 'x.0' declared twice"),
        Case(name: "argument the request does not take",
             text: header + "board:\n  watchdogs:\n    - {name: wdt.0}\nactors:\n  a:\n    - open: /dev/watchdog0\n      as: w\n"
                 + "    - ioctl: {file: w, request: wdioc_keepalive, timeout: 5}\n",
             line: 10, column: 50, message: "ioctl wdioc_keepalive takes no 'timeout'"),
        Case(name: "spi tx byte out of range",
             text: header + "board:\n  spi_controllers:\n    - {name: spi.0}\nactors:\n  a:\n    - open: /dev/spidev0.0\n      as: s\n"
                 + "    - ioctl: {file: s, request: spi_message, tx: [1, 256]}\n",
             line: 10, column: 50, message: "tx byte 256 is outside 0…255"),
        Case(name: "spi_message without tx",
             text: header + "board:\n  spi_controllers:\n    - {name: spi.0}\nactors:\n  a:\n    - open: /dev/spidev0.0\n      as: s\n"
                 + "    - ioctl: {file: s, request: spi_message}\n",
             line: 10, column: 14, message: "ioctl spi_message needs 'tx'"),
        Case(name: "spidev node of a chip select the controller lacks",
             text: header + "board:\n  spi_controllers:\n    - {name: spi.0}\nactors:\n  a:\n    - open: /dev/spidev0.1\n",
             line: 8, column: 7, message: "unknown device node '/dev/spidev0.1'; the board has: spidev0.0"),
    ]

    @Test(arguments: cases + MalformedNetdevTests.cases + MalformedGadgetTests.cases)
    func locatedError(_ c: Case) {
        do {
            _ = try ScenarioParser.parse(c.text, file: "bad.yaml")
            Issue.record("\(c.name): parsed, expected an error")
        } catch {
            let first = error.diagnostics.first
            #expect(first?.location.line == c.line, "\(error)")
            #expect(first?.location.column == c.column, "\(error)")
            #expect(first?.message.contains(c.message) == true, "\(error)")
            #expect(first?.description.hasPrefix("bad.yaml:\(c.line):\(c.column ?? 0): error: ") == true)
        }
    }
}
