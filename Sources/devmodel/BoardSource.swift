import ArgumentParser
import Foundation
import ScenarioExecution
import ScenarioModel
import SimHardware

/// Where the gpio/i2c tools look: the built-in board, or a scenario's board after setup.
struct BoardSource: ParsableArguments {
    @Option(name: .long, help: "Use this scenario's board (after setup) instead of the built-in one.")
    var scenario: String?

    func board() throws -> SimBoard {
        guard let scenario else {
            Diagnostics.log.debug("using the built-in board")
            let board = try SimBoard()
            try board.populate()
            return board
        }
        let (loaded, exit) = ScenarioFiles.loadAll([scenario])
        guard exit == 0, let s = loaded.first?.1 else { throw ExitCode(exit) }
        do {
            Diagnostics.log.debug("building the board of \(scenario)")
            return try ScenarioBoard.build(s).sim
        } catch {
            ScenarioFiles.printError("devmodel: \(scenario): \(error.message)")
            throw ExitCode(ScenarioExit.internalError)
        }
    }
}
