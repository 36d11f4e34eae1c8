import ArgumentParser
import Foundation
import ScenarioExecution
import ScenarioModel
import ScenarioReports

/// `devmodel tree SCENARIO`: the scenario's board after setup, before any actor runs.
struct Tree: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the device tree of a scenario's board after setup.",
        discussion: """
        One line per device: name, bus, state, bound driver, logical reference count and \
        devres entries (oldest first), children indented; then the device links with their state. \
        Exit status: 0, 65 invalid scenario, 66 missing input, 70 the board could not be built.
        """)

    @Argument(help: "A scenario file.")
    var scenario: String

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, dot, svg }

    @Option(name: .long, help: "text, dot (Graphviz: parent -> child solid, links dashed with their state) or svg.")
    var format: Format = .text

    @Option(name: .long, help: "Run the scenario and show the tree the moment the step with this label finished (text).")
    var at: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (loaded, exit) = ScenarioFiles.loadAll([scenario])
        guard exit == 0, let s = loaded.first?.1 else { throw ExitCode(exit) }
        if let at {
            guard s.actors.contains(where: { $0.steps.contains { $0.label == at } }) else {
                throw ValidationError("no step is labelled '\(at)' in \(scenario)")
            }
            let result = ScenarioRunner.run(s, snapshotAt: at)
            guard let tree = result.snapshot else {
                ScenarioFiles.printError("devmodel: the step labelled '\(at)' never finished")
                throw ExitCode(ScenarioExit.failures)
            }
            print("# \(s.name) at '\(at)'")
            print(tree.joined(separator: "\n"))
            return
        }
        do {
            let board = try ScenarioBoard.build(s)
            switch format {
            case .text: print(TreeText.lines(board.kernel, devres: true).joined(separator: "\n"))
            case .dot: print(TreeDOT.render(board.kernel, name: s.name), terminator: "")
            case .svg: print(ReportSVG.tree(board.kernel, name: s.name), terminator: "")
            }
        } catch {
            ScenarioFiles.printError("devmodel: \(scenario): \(error.message)")
            throw ExitCode(ScenarioExit.internalError)
        }
    }
}

/// `devmodel deferred SCENARIO`: the debugfs `devices_deferred` file after setup.
struct Deferred: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the deferred-probe list (debugfs devices_deferred) of a scenario's board after setup.",
        discussion: "One 'device<TAB>reason' line per device whose probe is still deferred.")

    @Argument(help: "A scenario file.")
    var scenario: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (loaded, exit) = ScenarioFiles.loadAll([scenario])
        guard exit == 0, let s = loaded.first?.1 else { throw ExitCode(exit) }
        do {
            let board = try ScenarioBoard.build(s)
            print(board.kernel.devicesDeferredText, terminator: "")
        } catch {
            ScenarioFiles.printError("devmodel: \(scenario): \(error.message)")
            throw ExitCode(ScenarioExit.internalError)
        }
    }
}
