import ArgumentParser
import Conformance
import Foundation

/// `devmodel conformance`: the peer test suites' cases, as KTAP.
struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run the conformance cases ported from the kernel's peer test suites and print KTAP.",
        discussion: """
        Suites: platform-device-devm, root-device-devm, kunit_resource, drm_managed, drm-cdev-uaf, v4l2-cdev-uaf, \
        drm_bridge_alloc, platform-device-swnode, platform-device-match, revocable, gpio-cdev-uaf, \
        i2c-dev-uaf. Output is KTAP version 1 (one subtest per suite), or with --format json one \
        JSON document (devmodel/conformance@1). \
        Exit status: 0 all passed, 1 a case failed, 4 the filter selected nothing (said on stderr).
        """)

    @Option(name: .long, help: "Only cases whose suite or name contains this text.")
    var filter: String?

    @Flag(name: .long, help: "One JSON document instead of KTAP. Same as --format json.")
    var json = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case ktap, json }

    @Option(name: .long, help: "Report format: ktap or json (as for run, explore and torture).")
    var format: Format = .ktap

    @Option(name: [.short, .long], help: "Write the report to this file.")
    var output: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let results = ConformanceRunner.run(filter: filter)
        guard !results.isEmpty else {
            FileHandle.standardError.write(Data("devmodel: no conformance case matches --filter '\(filter ?? "")' (a suite or case name contains it; see the suites in --help)\n".utf8))
            throw ExitCode(4)
        }
        if json || format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            struct Document: Encodable { var schema = "devmodel/conformance@1"; let results: [ConformanceResult] }
            try Output.write(String(decoding: try encoder.encode(Document(results: results)), as: UTF8.self) + "\n", to: output)
        } else {
            try Output.write(ConformanceRunner.ktap(results), to: output)
        }
        if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
