import ArgumentParser
import PromelaExport
import ScenarioModel

/// `devmodel promela SCENARIO`: the scenario as a Promela model, for SPIN.
struct PromelaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promela",
        abstract: "Write a small scenario as a Promela model, to cross-check the explorer with SPIN.",
        discussion: """
        The model restates the character-device lifetime protocol (fence, references, node \
        table, wake-ups) independently of the Swift code; its observer prints each final \
        outcome in the explorer's format with its verdict. Scripts/spin-crosscheck.py compares \
        both tools on Scenarios/crosscheck. Scenarios outside the modelled subset (one gpio \
        chip and misc pipes; open, close, ioctl, read, write, poll, bind, unbind; errno \
        expectations) are refused with the reason and location. Exit status: 0 written, \
        65 not exportable or invalid, 66 missing input.
        """)

    @Argument(help: "A scenario file.")
    var scenario: String

    @Option(name: .shortAndLong, help: "Write the model to this file instead of standard output.")
    var output: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (loaded, exit) = ScenarioFiles.loadAll([scenario])
        guard exit == 0, let s = loaded.first?.1 else { throw ExitCode(exit) }
        do {
            try Output.write(try PromelaExporter.export(s, file: scenario), to: output)
        } catch let error as ScenarioError {
            ScenarioFiles.printError(error.description)
            throw ExitCode(65)
        }
    }
}
