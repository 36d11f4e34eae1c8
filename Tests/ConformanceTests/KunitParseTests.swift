import Foundation
import Testing
@testable import Conformance

/// Our KTAP fed to the kernel's own parser (tools/testing/kunit/kunit.py parse), where a
/// kernel source tree is on the machine (Debian's linux-source-6.12 unpacked by
/// Scripts/lint-corpus.sh, /usr/src, or $KUNIT_PY); skipped otherwise, never failed.
@Suite struct KunitParseTests {
    static var kunitPy: String? {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["KUNIT_PY"] { candidates.append(env) }
        for root in ["/work/corpus", "/usr/src"] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            candidates += entries.filter { $0.hasPrefix("linux-source") }.sorted().reversed()
                .map { "\(root)/\($0)/tools/testing/kunit/kunit.py" }
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

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

    @Test(.enabled(if: kunitPy != nil)) func kunitParseAcceptsOurKTAP() throws {
        let results = ConformanceRunner.run()
        let (status, output) = try Self.parse(ConformanceRunner.ktap(results))
        #expect(status == 0, "\(output)")
        #expect(output.contains("Testing complete. Ran \(results.count) tests: passed: \(results.count)"), "\(output)")
    }

    @Test(.enabled(if: kunitPy != nil)) func kunitParseSeesOurFailures() throws {
        let cases = [ConformanceCase(suite: "demo", name: "fails") { try check(false, "expected failure") },
                     ConformanceCase(suite: "demo", name: "passes") {}]
        let (_, output) = try Self.parse(ConformanceRunner.ktap(ConformanceRunner.run(cases)))
        #expect(output.contains("failed: 1"), "\(output)")
        #expect(output.contains("expected failure"), "\(output)")
    }
}
