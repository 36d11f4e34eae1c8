import ScenarioModel
import Testing
@testable import KernelCheck

@Suite struct KernelPlanTests {
    static let yaml = """
    schema: devmodel/scenario@1
    name: plan-demo
    timeout: 1s
    board:
      gpio_chips:
        - {name: gpio-sim.0, num_lines: 4, line_names: [led0, "", button], hogs: [{offset: 3, name: boot}]}
    actors:
      user:
        - open: gpiochip0
          as: chip
        - request_lines: {file: chip, offsets: [0, 2], consumer: user, output: true}
          as: leds
        - ioctl: {file: leds, request: get_values}
          label: values
        - write: {file: chip, data: "V\\tx"}
        - poll: {file: leds, timeout: infinite}
        - request_lines: {file: chip, offsets: [3], consumer: user}
      admin:
        - unbind: gpio-sim.0
          after: values
        - gpiod_get: {chip: gpiochip0, offset: 1, consumer: led}
          as: led
    """

    static func lines() throws -> [[String]] {
        let s = try ScenarioParser.parse(yaml, file: "plan-demo.yaml")
        return KernelPlan.render(s).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func boardAndHeader() throws {
        let l = try Self.lines()
        #expect(l[0] == ["scenario", "plan-demo"])
        #expect(l[1] == ["timeout", "1000000000"])
        #expect(l[2] == ["gpio_chip", "gpio-sim.0", "4", "led0,_,button", "3:boot"])
    }

    @Test func stepsInFileOrderWithHandlesAsTheModelNamesThem() throws {
        let steps = try Self.lines().filter { $0[0] == "step" }
        #expect(steps.map { "\($0[1])[\($0[2])] \($0[6])" } == ["user[0] open", "user[1] request_lines", "user[2] ioctl",
                                                                 "user[3] write", "user[4] poll", "user[5] request_lines",
                                                                 "admin[0] unbind", "admin[1] gpiod_get"])
        #expect(steps[0] == ["step", "user", "0", "-", "-", "chip", "open", "gpiochip0", "0"])
        #expect(steps[1] == ["step", "user", "1", "-", "-", "leds", "request_lines", "chip", "0,2", "user", "1", "0"])
        // get_values carries the number of lines the request holds (the mask the kernel needs).
        #expect(steps[2] == ["step", "user", "2", "values", "-", "-", "ioctl", "leds", "get_values", "2"])
        // Data goes as hex, so a tab in it cannot split the record.
        #expect(steps[3].last == "560978")
        #expect(steps[4].suffix(2) == ["leds", "-1"])
        // StepExecutor names a line request without `as:` "<chip handle>.lines".
        #expect(steps[5][5] == "chip.lines")
        #expect(steps[6] == ["step", "admin", "0", "-", "values", "-", "unbind", "gpio-sim.0"])
        #expect(steps[7] == ["step", "admin", "1", "-", "-", "led", "gpiod_get"])
    }

    /// softdog is a module on both sides: its board line carries the module parameters the
    /// executor loads it with, and delete_module names the module (rmmod's system call).
    @Test func watchdogModuleAndDeleteModule() throws {
        let yaml = "schema: devmodel/scenario@1\nname: w\nboard:\n  watchdogs:\n    - {name: wdt.0, timeout: 45, nowayout: true, module: true}\n"
            + "actors:\n  admin:\n    - delete_module: softdog\n"
        let l = KernelPlan.render(try ScenarioParser.parse(yaml, file: "w.yaml")).split(separator: "\n")
            .map { $0.split(separator: "\t").map(String.init) }
        #expect(l.contains(["watchdog", "wdt.0", "45", "1"]))
        #expect(l.contains(["step", "admin", "0", "-", "-", "-", "delete_module", "softdog"]))
    }

    @Test func boardPartsWithoutALinuxStandInAreMarked() throws {
        let s = Scenario(name: "i2c", board: BoardSpec(i2cAdapters: [I2CAdapterSpec(name: "i2c-sim.0")]))
        #expect(KernelPlan.render(s).contains("unsupported\ti2c_adapters\n"))
    }
}
