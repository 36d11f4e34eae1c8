import Testing
import Foundation
import Instrumentation
@testable import DriverCore

/// Bind, unbind, hot-unplug and get/put raced from several threads. Run under
/// `swift test --sanitize=thread` too. Checks: release exactly once per device, no devres
/// left, no reference misuse, every device in a final state.
@Suite struct ConcurrencyTests {
    @Test func bindUnbindUnplugRaceAgainstGetPut() async throws {
        let t = TestKernel()
        let probes = Box(0)
        try t.kernel.registerDriver(ClosureDriver(name: "race", idTable: ["race"], probe: { (dev: borrowing BoundDevice) throws(ProbeError) in
            do { _ = try dev.devres.alloc(1); try dev.devres.addAction(ActionKey("a")) {} } catch { throw .failed(.ENOMEM, "") }
            probes.value += 1
        }), on: t.bus)
        let devices = (0..<8).map { t.device("race.\($0)", ids: ["race"]) }
        for d in devices { try t.kernel.register(d) }

        // Each worker owns a reference on every device (as an open file would), so an unplug
        // mid-race deletes the device but cannot release it under the worker.
        for d in devices { for _ in 0..<4 { try d.get() } }
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    defer { for d in devices { try? d.put() } }
                    for i in 0..<200 {
                        let d = devices[(i + worker) % devices.count]
                        switch (i + worker) % 3 {
                        case 0: try? t.kernel.unbind(d)
                        case 1: try? t.kernel.bind(d, to: "race")
                        default: if (try? d.get()) != nil { try? d.put() }
                        }
                    }
                }
            }
            group.addTask {
                // hot-unplug half of them mid-race
                for d in devices.prefix(4) { try? t.kernel.unregister(d) }
            }
        }
        for d in devices.suffix(4) { try t.kernel.unregister(d) }
        #expect(t.releasedNames.sorted() == devices.map(\.name).sorted())
        #expect(devices.allSatisfy { $0.state == .released && $0.devres.isEmpty })
        #expect(t.recorder.events(.refMisuse).isEmpty)
        #expect(t.recorder.events(.memoryDoubleFree).isEmpty)
        #expect(t.recorder.events(.memoryAlloc).count == t.recorder.events(.memoryFree).count)
        #expect(probes.value >= 8)
    }

    @Test func concurrentPutsReleaseExactlyOnce() async throws {
        let t = TestKernel()
        let d = t.device("shared")
        for _ in 0..<99 { try d.get() }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { for _ in 0..<25 { try? d.put() } } }
        }
        #expect(t.releasedNames == ["shared"])
        #expect(d.referenceCount == 0)
    }
}

/// The fixture's own box: a read-modify-write from several threads loses no update (it did
/// when `+=` was a locked get followed by a locked set).
@Suite struct BoxTests {
    @Test func concurrentIncrementsAreAllCounted() {
        let box = Box(0)
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread {
                for _ in 0..<20_000 { box.value += 1 }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(box.value == 80_000)
    }
}
