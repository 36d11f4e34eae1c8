import Testing
import Foundation
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// spidev before `a720416d9463` (drivers/spi/spidev.c): a spinlock held only for the `spidev->spi` NULL check
/// let the transfer run while the controller went away. Here the whole transfer is inside the
/// fence, so the race cannot happen: threads transfer while another unbinds, and every call
/// either completes (the unbind waited for it) or gets ENODEV without reaching the driver.
@Suite struct SpidevRaceTests {
    @Test("transfers racing one unbind: each succeeds or is ENODEV, none reaches the driver after unbind")
    func checkThenUseIsImpossible() throws {
        let f = try SpiFixture(keeping: [.memoryUseAfterFree, .deviceRelease])
        let files = try (0..<3).map { i in try f.dev.open("spidev0.\(i % 2)") }
        let outcomes = Locked<[String: Int]>([:])
        let started = Locked(0)
        let callers: [@Sendable () -> Void] = files.map { file in
            {
                started.withLock { $0 += 1 }
                // Bounded: until a few calls after the unbind have been refused.
                var refused = 0
                for _ in 0..<500_000 where refused < 10 {
                    do throws(FileError) {
                        _ = try file.ioctl(SpiIocMessage([SPITransfer(tx: [1, 2, 3]), .read(2)]))
                        outcomes.withLock { $0["ok", default: 0] += 1 }
                    } catch {
                        refused += 1
                        outcomes.withLock { $0[error.errno.name, default: 0] += 1 }
                    }
                }
            }
        }
        let unbinder: @Sendable () -> Void = {
            // Start unbinding once every caller is running (bounded spin).
            var spins = 0
            while started.withLock({ $0 }) < files.count && spins < 1_000_000 { spins += 1 }
            waitUntil { outcomes.withLock { $0["ok"] ?? 0 } > 0 }
            try? f.kernel.unbind(f.controller)
            f.unbindFinished.withLock { $0 = true }
        }
        runOnThreads(callers + [unbinder])
        #expect(f.lateCalls.withLock { $0 } == 0)
        #expect(f.useAfterFree.isEmpty)
        let seen = outcomes.withLock { $0 }
        #expect(Set(seen.keys).isSubset(of: ["ok", "ENODEV"]), "unexpected outcomes: \(seen)")
        #expect(seen["ENODEV"] == 30)  // each caller stopped after 10 refusals
        #expect((seen["ok"] ?? 0) > 0)
        for file in files { try file.close() }
        #expect(f.releases(of: "spidev0.0") == 1)
        #expect(f.releases(of: "spidev0.1") == 1)
    }
}
