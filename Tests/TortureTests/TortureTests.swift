import Instrumentation
import Testing
@testable import Torture

/// Short torture runs: the real design succeeds (no finding, pipe only in bucket 0, nothing
/// leaked after the tear-down); each negative control fails (how fast is measured by the
/// benchmarks, not asserted here, so that load cannot fail a test),
/// with the failure kind that names it — usually at the first stat line.
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
        #expect(report.overrides > 0 && report.replugs > 0, "writers also override drivers and replug USB")
        #expect((report.outcomes["OK"] ?? 0) > 0)
        #expect(report.pipe.accesses > 0, "the generation check must have checked something")
        #expect(report.pipe.failures == 0)
        #expect(report.leakCheck)
        #expect(report.leaks.isEmpty)
        #expect(report.ktap.contains("\n    ok 3 board torn down, nothing leaked\n    ok 4 no other failure\n"), "\(report.ktap)")
        #expect(report.ktap.hasPrefix("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: torture\n    1..4\n"))
        #expect(report.ktap.contains("\nok 1 torture\n# Totals: pass:1 fail:0 skip:0 total:1\n"))
    }

    /// Runs one negative control for at most 3 s.
    static func broken(_ control: NegativeControl) -> TortureReport {
        var options = TortureOptions()
        options.seconds = 3
        options.readers = 3
        options.statInterval = 0.25
        options.broken = [control]
        return Torture.run(options)
    }

    @Test func brokenFenceFailsTheGenerationCheck() {
        let report = Self.broken(.fence)
        #expect(!report.success)
        #expect(report.failureKinds.contains("generation"), "\(report.failures)")
        #expect(report.pipe.failures > 0)
        // KTAP: the pipe test fails, its diagnostic before it, and the suite fails.
        #expect(report.ktap.contains("late)\n    not ok 2 no access saw a completed revoke\n"), "\(report.ktap)")
        #expect(report.ktap.contains("\nnot ok 1 torture\n"))
    }

    @Test func brokenRefcountFailsAsAReleaseThatNeverRan() {
        let report = Self.broken(.refcount)
        #expect(!report.success)
        #expect(report.failureKinds.contains("release-never-ran"), "\(report.failures)")
        #expect(report.failureKinds.contains("leaked-memory"), "the data the release should free: \(report.failures)")
        #expect(report.pipe.failures == 0, "the fence is the real one")
        // KTAP: the leak test fails with the leaks as its diagnostics (it said ok before).
        #expect(report.ktap.contains("\n    not ok 3 board torn down, nothing leaked\n"), "\(report.ktap)")
        #expect(report.ktap.contains("    # leaked-memory in "), "\(report.ktap)")
        #expect(!report.leaks.isEmpty && report.leaks.allSatisfy(report.failures.contains))
    }

    @Test func brokenCdevFailsAsAUseOfFreedDriverMemory() {
        let report = Self.broken(.cdev)
        #expect(!report.success)
        #expect(report.failureKinds.contains { $0 == "use-after-free" || $0 == "use-after-unbind" }, "\(report.failures)")
    }

    @Test func badOptionsAreAFailureNotACrash() {
        var options = TortureOptions()
        options.readers = -1
        let report = Torture.run(options)
        #expect(report.failureKinds == ["options"])
        #expect(report.operations == 0)
    }

    @Test func summarizeKeepsAFewLinesPerKind() {
        let lines = Torture.summarize((0..<5).map { ("a", "a\($0)") } + [("b", "b0"), ("c", "c0")],
                                      unlisted: ["c": 7], perKind: 2)
        #expect(lines == ["a0", "a1", "b0", "c0", "… and 3 more a", "… and 7 more c"])
    }

    @Test func groupedNamesAreShortened() {
        #expect(Torture.shortNames("a, b, c") == "a, b, c")
        #expect(Torture.shortNames("a, b, c, d, e") == "a, b, c and 2 more")
    }

    @Test func splitMixIsDeterministic() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    }
}
