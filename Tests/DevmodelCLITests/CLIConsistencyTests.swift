import Foundation
import Testing

/// The CLI behaves the same everywhere: durations with units, real messages for negative
/// numbers, one exit status per kind of problem.
@Suite struct CLIConsistencyTests {
    @Test func torturedurationsTakeUnitsAndBareSecondsStillWork() throws {
        let units = try CLITests.run(["torture", "--duration", "500ms", "--stat-interval", "250ms", "--stutter", "100us",
                                      "--threads", "1", "-q"])
        #expect(units.status == 0, "\(units.err)")
        #expect(units.out.hasSuffix("SUCCESS\n"), "\(units.out)")
        let bare = try CLITests.run(["torture", "--duration", "0.5", "--threads", "1", "-q"])
        #expect(bare.status == 0, "\(bare.err)")
        let bad = try CLITests.run(["torture", "--duration", "soon"])
        #expect(bad.status == 64)
        #expect(bad.err.contains("'soon' is invalid for '--duration"), "\(bad.err)")
    }

    @Test(arguments: [
        (["torture", "--threads", "-1"], "--threads must be at least 1, not -1"),
        (["torture", "--duration", "-2s"], "'-2s' is invalid for '--duration"),
        (["explore", "--bound", "-1", "x.yaml"], "--bound must not be negative, not -1"),
        (["explore", "--executions", "-5", "x.yaml"], "--executions must be at least 1, not -5"),
        (["run", "--skip", "-1", "x.yaml"], "--skip must not be negative, not -1"),
        (["gpio", "mon", "-n", "-3", "-c", "0", "1"], "--num-events must be at least 1"),
    ])
    func negativeNumbersGetARealMessage(_ args: [String], _ message: String) throws {
        let r = try CLITests.run(args)
        #expect(r.status == 64, "\(r.err)")
        #expect(r.err.contains(message), "\(r.err)")
        #expect(!r.err.contains("Missing value"), "\(r.err)")
    }
}
