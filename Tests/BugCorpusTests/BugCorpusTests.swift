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

    @Test func idsAreUniqueAndWrittenRowsAreNoLongerPending() {
        let ids = Corpus.entries.map(\.id)
        #expect(Set(ids).count == ids.count)
        let references = Corpus.entries.map(\.reference).joined(separator: " ")
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
