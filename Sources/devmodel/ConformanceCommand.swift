import ArgumentParser
import Conformance
import Foundation

/// `devmodel conformance`: the peer test suites' cases, as KTAP.
struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run the conformance cases ported from the kernel's peer test suites and print KTAP.",
        discussion: """
        Suites: platform-device-devm, root-device-devm, kunit_resource, drm_managed, \
        drm_bridge_alloc, platform-device-swnode, platform-device-match, revocable, gpio-cdev-uaf, \
        i2c-dev-uaf. Output is KTAP version 1 (one subtest per suite) unless --json. \
        Exit status: 0 all passed, 1 a case failed, 4 the filter selected nothing.
        """)

    @Option(name: .long, help: "Only cases whose suite or name contains this text.")
    var filter: String?

    @Flag(name: .long, help: "One JSON document instead of KTAP.")
    var json = false

    @Option(name: [.short, .long], help: "Write the report to this file.")
    var output: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let results = ConformanceRunner.run(filter: filter)
        guard !results.isEmpty else { throw ExitCode(4) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            struct Document: Encodable { var schema = "devmodel/conformance@1"; let results: [ConformanceResult] }
            try Output.write(String(decoding: try encoder.encode(Document(results: results)), as: UTF8.self) + "\n", to: output)
        } else {
            try Output.write(ConformanceRunner.ktap(results), to: output)
        }
        if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
