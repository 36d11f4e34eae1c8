import ArgumentParser
import Foundation
import Torture

extension TortureCommand {
    /// `devmodel torture --scenario FILE`: the scenario's actors, iteration after iteration.
    func runScenario(_ path: String) throws {
        let (loaded, exit) = ScenarioFiles.loadAll([path])
        guard exit == 0, let scenario = loaded.first?.1 else { throw ExitCode(exit) }
        var options = ScenarioTortureOptions()
        options.seconds = duration.seconds
        options.iterations = iterations
        options.seed = seedOption.seed
        options.stutterMicroseconds = stutter.microseconds
        options.statInterval = statInterval.seconds
        let report = ScenarioTorture.run(scenario, options: options, stat: Self.statLine)
        if try !printMachineReadable(report, ktap: report.ktap) {
            for line in report.lines { print(line) }
        }
        if !report.success { throw ExitCode(1) }
    }
}
