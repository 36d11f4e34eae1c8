import ArgumentParser
import Foundation
import KernelCheck
import ScenarioModel

/// `devmodel kernel …`: the pieces Scripts/kernel/run.sh puts together to check the model
/// against a real Linux kernel (User-Mode Linux). None of them needs a kernel itself.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Compare the model with Linux: plans for the in-kernel executor, step diffs, the KUnit table.",
        discussion: """
        Scripts/kernel/run.sh builds a UML kernel, boots it and uses these subcommands; see \
        README.md, "The model against Linux".
        """,
        subcommands: [Plan.self, Diff.self, KUnit.self])

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the executor's plan of a scenario (tab-separated lines; see KernelPlan).")

        @Argument(help: "A scenario file.")
        var scenario: String

        @Option(name: [.short, .long], help: "Write the plan to this file.")
        var output: String?

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let s = try KernelCommand.load(scenario)
            try Output.write(KernelPlan.render(s), to: output)
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the model's run of a scenario with Linux's, step by step.",
            discussion: """
            Both reports are devmodel/runs@1 JSON: the model's from 'devmodel run --format json', \
            Linux's from the in-kernel executor. Exit status: 0 no step differs, 1 some step \
            differs, 65 a file is not a valid scenario or report.
            """)

        @Argument(help: "The scenario file both runs came from.")
        var scenario: String

        @Option(name: .long, help: "The model's report (several runs of the scenario, from --repeat, widen what counts as reachable).")
        var model: String

        @Option(name: .long, help: "Linux's report.")
        var linux: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let s = try KernelCommand.load(scenario)
            let m = try KernelCommand.runs(in: model, named: s.name)
            let k = try KernelCommand.runs(in: linux, named: s.name)[0]
            if let e = k.setupError { print("linux: board not built: \(e)") }
            let rows = RunDiff.compare(s, models: m, kernel: k)
            print(RunDiff.table(rows, scenario: s.name), terminator: "")
            if k.setupError != nil || rows.contains(where: { $0.verdict == .differs }) { throw ExitCode(1) }
        }
    }

    struct KUnit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kunit-table",
            abstract: "Line up our conformance KTAP with a Linux KUnit log, case by case (Markdown).")

        @Option(name: .long, help: "Our KTAP ('devmodel conformance' output).")
        var ours: String

        @Option(name: .long, help: "Linux's KTAP (a UML console log of the KUnit run).")
        var linux: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let rows = KUnitTable.merge(ours: KTAPResults.parse(try KernelCommand.text(ours)),
                                        kernel: KTAPResults.parse(try KernelCommand.text(linux)))
            print(KUnitTable.markdown(rows), terminator: "")
        }
    }

    static func load(_ path: String) throws -> Scenario {
        do {
            return try ScenarioFile.load(path)
        } catch {
            ScenarioFiles.printError(error.description)
            throw ExitCode(error.exitCode)
        }
    }

    static func text(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            ScenarioFiles.printError("devmodel: \(path): no such file")
            throw ExitCode(66)
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func runs(in path: String, named name: String) throws -> [RunRecord] {
        do {
            let doc = try RunsRecord.decode(Data(try text(path).utf8))
            let runs = doc.runs.filter { $0.scenario == name }
            guard !runs.isEmpty else {
                ScenarioFiles.printError("devmodel: \(path): no run of scenario '\(name)'")
                throw ExitCode(65)
            }
            return runs
        } catch let e as ExitCode {
            throw e
        } catch {
            ScenarioFiles.printError("devmodel: \(path): not a devmodel/runs@1 document: \(error)")
            throw ExitCode(65)
        }
    }
}
