import Foundation
import Testing
@testable import Conformance

/// Our KTAP fed to the kernel's own parser (tools/testing/kunit/kunit.py parse). The parser
/// comes from a kernel source tree named by an environment variable, never from a path of
/// this machine: set `KUNIT_PY=<linux>/tools/testing/kunit/kunit.py` to run these tests
/// (Scripts/lint-corpus.sh unpacks Debian's linux-source, which has it).
@Suite struct KunitParseTests {
    static var kunitPy: String? {
        guard let path = ProcessInfo.processInfo.environment["KUNIT_PY"], !path.isEmpty else { return nil }
        return path
    }

    static let howToEnable = Comment(rawValue:
        "set KUNIT_PY to tools/testing/kunit/kunit.py of a Linux source tree to run this test")

    static func parse(_ ktap: String) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ktap-\(UUID().uuidString).txt")
        try Data(ktap.utf8).write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", kunitPy ?? "", "parse", file.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: kunitPy != nil, howToEnable)) func kunitParseAcceptsOurKTAP() throws {
        let results = ConformanceRunner.run()
        let (status, output) = try Self.parse(ConformanceRunner.ktap(results))
        #expect(status == 0, "\(output)")
        #expect(output.contains("Testing complete. Ran \(results.count) tests: passed: \(results.count)"), "\(output)")
    }

    @Test(.enabled(if: kunitPy != nil, howToEnable)) func kunitParseSeesOurFailures() throws {
        let cases = [ConformanceCase(suite: "demo", name: "fails") { try check(false, "expected failure") },
                     ConformanceCase(suite: "demo", name: "passes") {}]
        let (_, output) = try Self.parse(ConformanceRunner.ktap(ConformanceRunner.run(cases)))
        #expect(output.contains("failed: 1"), "\(output)")
        #expect(output.contains("expected failure"), "\(output)")
    }
}
