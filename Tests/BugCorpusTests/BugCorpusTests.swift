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
        #expect(run.buggy.seconds < 5.5)
    }
}
