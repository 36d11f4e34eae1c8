import Foundation
import ScenarioModel
import Testing
@testable import KernelCheck

/// The diff on reports recorded from real runs (Scripts/kernel/run.sh scenarios on Linux
/// 6.12.117 UML; the model's side from `devmodel run --format json`, events left out).
@Suite struct RecordedRunTests {
    static func rows(_ name: String) throws -> [RunDiff.Row] {
        let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let scenario = try ScenarioFile.load(dir.appendingPathComponent("\(name).yaml").path)
        let model = try RunsRecord.decode(Data(contentsOf: dir.appendingPathComponent("\(name).model.json"))).runs[0]
        let linux = try RunsRecord.decode(Data(contentsOf: dir.appendingPathComponent("\(name).linux.json"))).runs[0]
        return RunDiff.compare(scenario, model: model, kernel: linux)
    }

    @Test func openUnbindAccessAgreesOnEveryStep() throws {
        let rows = try Self.rows("gpio-open-unbind-access")
        #expect(rows.count == 12)
        #expect(rows.allSatisfy { $0.verdict == .same }, "\(rows.filter { $0.verdict != .same })")
    }

    @Test func rebindAgreesNowThatAnOldFileKeepsItsChipNumber() throws {
        // The first Linux run found the model reusing gpiochip0 while the old file held it;
        // Linux frees the id only in gpiodev_release (drivers/gpio/gpiolib.c), and so does
        // Gpiolib now.
        let rows = try Self.rows("gpio-rebind-old-handles")
        #expect(rows.count == 6)
        #expect(rows.allSatisfy { $0.verdict == .same }, "\(rows.filter { $0.verdict != .same })")
        #expect(rows[2].kernel == "ENOENT")
    }

    @Test func aBlockedReaderHoldsTheUnbindOnLinuxButNotInTheModel() throws {
        // linereq_read sleeps inside the chip's SRCU read section and only for queued events
        // (drivers/gpio/gpiolib-cdev.c); gpiochip_remove's synchronize_srcu waits for it.
        let rows = try Self.rows("gpio-blocked-reader-unbind")
        let read = try #require(rows.first { $0.label == "blocked-read" })
        let unbind = try #require(rows.first { $0.label == "unbind" })
        #expect(read.model == "ENODEV blocked")
        #expect(unbind.model == "OK")
        // Only the executor's signal at the 2 s deadline ends the read (EINTR); the unbind
        // returns right then.
        #expect(read.kernel.hasPrefix("unfinished (EINTR at 200"))
        #expect(unbind.kernel.hasPrefix("unfinished (OK at 200"))
        #expect(rows.first { $0.action == "wait" }?.verdict == .same)
    }
}
