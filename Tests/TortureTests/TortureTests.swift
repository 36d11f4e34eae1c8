import Instrumentation
import Testing
@testable import Torture

/// A short torture run of the real design succeeds; the negative control (a character device
/// without revocation) fails within the 10 s the issue allows — usually at the first stat line.
@Suite(.serialized) struct TortureTests {
    @Test func realDesignSurvivesAShortRun() {
        var options = TortureOptions()
        options.seconds = 1
        options.readers = 2
        let report = Torture.run(options)
        #expect(report.success, "\(report.failures)")
        // Loose on purpose: the run is time-bounded and must hold on a slow or sanitized build.
        #expect(report.operations > 10)
        #expect(report.unbinds > 0)
        #expect((report.outcomes["OK"] ?? 0) > 0)
    }

    @Test func brokenCdevFailsWithinTenSeconds() {
        var options = TortureOptions()
        options.seconds = 10
        options.readers = 3
        options.statInterval = 0.25
        options.brokenCdev = true
        let report = Torture.run(options)
        #expect(!report.success)
        #expect(report.seconds < 10.5)
        #expect(report.failures.contains { $0.hasPrefix("use-after-free") || $0.hasPrefix("use-after-unbind") }, "\(report.failures)")
    }

    @Test func splitMixIsDeterministic() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    }
}
