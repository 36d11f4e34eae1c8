import Testing
@testable import ScenarioExecution
@testable import ScenarioModel

/// The sanitizer is on in every run: a lifetime bug in a scenario is a finding even when
/// every step's own expectation holds.
@Suite struct SanitizerInRunsTests {
    static let text = """
    schema: devmodel/scenario@1
    name: ioctl-after-close
    board:
      gpio_chips:
        - name: gpio-sim.0
          num_lines: 4
    actors:
      user:
        - open: /dev/gpiochip0
          as: chip
        - close: chip
        - ioctl: {file: chip, request: chip_info}
          expect: {errno: EBADF}
    expect:
      findings: 1
    """

    @Test func aFileOperationAfterCloseIsAFinding() throws {
        let scenario = try ScenarioParser.parse(Self.text, file: "inline.yaml")
        let result = ScenarioRunner.run(scenario)
        #expect(result.findings.map(\.kind) == [.fileAfterClose], "\(result.findings)")
        #expect(result.ok, "\(result.expectations.filter { !$0.passed })")
    }
}
