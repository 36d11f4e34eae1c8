import ScenarioModel

/// Small scenarios on gpio-sim chips of 4 lines, written as YAML the way users write them.
enum GpioScenarios {
    /// `schema`, `name` and a board of `chips` chips (gpio-sim.0 …), then `body` (the
    /// `actors:` and `expect:` sections, at column 0).
    static func parse(_ name: String, chips: Int = 1, _ body: String) throws -> Scenario {
        let board = (0..<chips).map { "    - {name: gpio-sim.\($0), num_lines: 4}" }.joined(separator: "\n")
        return try ScenarioParser.parse("schema: devmodel/scenario@1\nname: \(name)\nboard:\n  gpio_chips:\n\(board)\n\(body)",
                                        file: "\(name).yaml")
    }
}
