import Foundation
import Instrumentation
import Testing
@testable import BugCorpus

/// Every entry: the buggy variant is caught with the expected finding, the fixed one is clean.
@Suite(.serialized) struct BugCorpusTests {
    @Test(arguments: Corpus.entries.map(\.id))
    func entryIsCaughtAndFixed(_ id: String) throws {
        let entry = try #require(Corpus.entries.first { $0.id == id })
        let run = entry.run()
        #expect(run.caught, "buggy variant raised \(run.buggy.findings): \(run.buggy.detail)")
        #expect(run.fixed.findings.isEmpty, "fixed variant raised \(run.fixed.findings): \(run.fixed.detail)")
    }

    static let bugsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios/bugs").path

    static var fileEntries: [BugEntry] { (try? CorpusFiles.entries(in: bugsDirectory)) ?? [] }

    /// The entries written as files under Scenarios/bugs: each found by the explorer with the
    /// kinds its buggy file names, each fixed file explored clean.
    @Test(arguments: fileEntries.map(\.id))
    func fileEntryIsCaughtAndFixed(_ id: String) throws {
        let entry = try #require(Self.fileEntries.first { $0.id == id })
        let run = entry.run()
        #expect(run.caught, "buggy variant raised \(run.buggy.findings): \(run.buggy.detail)")
        #expect(run.fixed.findings.isEmpty, "fixed variant raised \(run.fixed.findings): \(run.fixed.detail)")
    }

    @Test func theFilesLoadAndAPairWithoutItsFixedHalfIsAnError() throws {
        #expect(try CorpusFiles.entries(in: Self.bugsDirectory).count >= 7)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: Self.bugsDirectory + "/check-then-use.buggy.yaml",
                                         toPath: dir.appendingPathComponent("lonely.buggy.yaml").path)
        #expect(throws: CorpusFiles.LoadError.self) { try CorpusFiles.entries(in: dir.path) }
        #expect(try CorpusFiles.entries(in: dir.appendingPathComponent("absent").path).isEmpty)
    }

    /// A Swift entry says what the language lacks to be a file; a file entry needs no reason.
    @Test func everySwiftEntrySaysWhyItIsNotAFile() {
        #expect(Set(Corpus.whyNotAFile.keys) == Set(Corpus.entries.map(\.id)))
    }

    @Test func idsAreUniqueAndWrittenRowsAreNoLongerPending() {
        let all = Corpus.entries + Self.fileEntries
        let ids = all.map(\.id)
        #expect(Set(ids).count == ids.count)
        let references = all.map(\.reference).joined(separator: " ")
        for row in Corpus.pending {
            #expect(!row.why.isEmpty)
            #expect(!references.contains(row.id), "\(row.id) has an entry and is still listed as pending")
        }
    }

    /// 1d656bd259ed is about one entry point: the protected read keeps the unbind out of its
    /// window in both variants; only the old ioctl lets it in.
    @Test func onlyTheOldIoctlLetsTheUnbindIn() {
        let buggy = Corpus.gpioSemRun(protectIoctl: false).detail
        #expect(buggy.contains("read: \(UnbindInWindow.Outcome.keptOut.rawValue);"), "\(buggy)")
        #expect(buggy.contains("ioctl: \(UnbindInWindow.Outcome.inside.rawValue)"), "\(buggy)")
        let fixed = Corpus.gpioSemRun(protectIoctl: true).detail
        #expect(fixed.contains("ioctl: \(UnbindInWindow.Outcome.keptOut.rawValue)"), "\(fixed)")
    }

    /// A call that fails before its window runs no unbind (and the helper does not wait for one).
    @Test func aCallThatNeverReachesItsWindowRunsNoUnbind() {
        let hook = Locked<(@Sendable () -> Void)?>(nil)
        let unbound = Locked(false)
        let outcome = UnbindInWindow.run(hook: hook, call: {}, unbind: { unbound.withLock { $0 = true } })
        #expect(outcome == .notReached)
        #expect(!unbound.withLock { $0 })
        #expect(hook.withLock { $0 } == nil, "the hook is disarmed afterwards")
    }

    /// The sweep fails every injectable point of the probe, and only the ones after the timer
    /// is armed expose the bug.
    @Test func theVub300SweepFailsEveryProbePoint() {
        let buggy = Corpus.vub300ProbeSweep(legacy: true).detail
        #expect(buggy.hasPrefix("4 probe points failed in turn"), "\(buggy)")
        #expect(buggy.contains("mmc_add_host") && !buggy.contains("usb_alloc_urb'"), "\(buggy)")
    }
}
