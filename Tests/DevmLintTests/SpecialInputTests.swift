import Foundation
import Testing
@testable import DevmLint

/// Special files and missing inputs, on a scratch directory.
@Suite("special files and missing inputs")
struct SpecialFileTests {
    /// A fresh directory holding the misc_basic fixture (one true devm-uaf); removed by each test.
    func scratchTree() throws -> String {
        let base = FileManager.default.temporaryDirectory.path + "/devm-lint-special-" + UUID().uuidString
        let src = try #require(Bundle.module.resourcePath) + "/Fixtures/misc_basic"
        try FileManager.default.copyItem(atPath: src, toPath: base)
        return base
    }

    @Test func fifoNamedDotCInADirectoryIsSkippedWithANote() throws {
        let base = try scratchTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let fifo = base + "/drivers/widget/pipe.c"
        #expect(mkfifo(fifo, 0o600) == 0)
        let r = Linter(LintOptions(treeRoot: base, workers: 2)).lint(paths: [base + "/drivers"])
        #expect(r.findings.map(\.rule) == [.devmUAF])
        #expect(r.diagnostics.contains { $0.hasPrefix(fifo) && $0.contains("FIFO") })
        #expect(r.exitCode == 1)
    }

    @Test func fifoGivenAsAPathIsSkippedWithANote() throws {
        let base = try scratchTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let fifo = base + "/given.c"
        #expect(mkfifo(fifo, 0o600) == 0)
        let r = Linter(LintOptions(treeRoot: base, workers: 2)).lint(paths: [fifo, base + "/drivers"])
        #expect(r.findings.count == 1)
        #expect(r.diagnostics.contains { $0.hasPrefix(fifo) && $0.contains("FIFO") })
    }

    @Test func directoryNamedDotCIsSkipped() throws {
        let base = try scratchTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base + "/drivers/widget/dir.c", withIntermediateDirectories: true)
        let r = Linter(LintOptions(treeRoot: base, workers: 2)).lint(paths: [base + "/drivers"])
        #expect(r.findings.count == 1)
        #expect(r.diagnostics.contains { $0.contains("dir.c") && $0.contains("directory") })
    }

    @Test func missingPathExits66AndTheOtherPathsAreStillLinted() throws {
        let base = try scratchTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let gone = base + "/no/such/dir"
        let r = Linter(LintOptions(treeRoot: base, workers: 2)).lint(paths: [gone, base + "/drivers"])
        #expect(r.findings.map(\.rule) == [.devmUAF])
        #expect(r.missingInputs == [gone])
        #expect(r.exitCode == 66)
        #expect(r.diagnostics.contains { $0.contains(gone) && $0.contains("no such file") })
    }

    @Test func missingRootExits66AndTheRootIsGuessed() throws {
        let base = try scratchTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let r = Linter(LintOptions(treeRoot: base + "/nowhere", workers: 2)).lint(paths: [base + "/drivers"])
        #expect(r.findings.count == 1)
        #expect(r.exitCode == 66)
        #expect(r.diagnostics.contains { $0.contains("--root") && $0.contains("nowhere") })
    }

    @Test func cleanRunWithAllInputsPresentIsNot66() throws {
        let base = try scratchTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let r = Linter(LintOptions(treeRoot: base, workers: 2)).lint(paths: [base + "/drivers/widget/widget.c"])
        #expect(r.missingInputs.isEmpty)
        #expect(r.exitCode == 1)
    }
}
