import DriverCore
import Foundation
import Instrumentation
import SimHardware
import Testing
@testable import Torture

/// The generation check on its own, deterministically: the ledger's arithmetic, and a reader
/// held inside an access while the generation is revoked — the real fence makes the revoke
/// wait (bucket 0), the busted one does not (bucket 1).
@Suite struct GenerationTests {
    @Test func theLedgerCountsRevokesCompletedSinceTheObservedGeneration() {
        let ledger = GenerationLedger()
        let g1 = ledger.nextGeneration()
        #expect(ledger.record(observed: g1) == 0)
        ledger.revokeCompleted(g1)
        let g2 = ledger.nextGeneration()
        #expect(ledger.record(observed: g2) == 0, "a later generation is not affected")
        ledger.revokeCompleted(g2)
        #expect(ledger.record(observed: g1) == 2, "two revokes completed since g1")
        for _ in 0..<20 { ledger.revokeCompleted(ledger.nextGeneration()) }
        #expect(ledger.record(observed: g1) == 22)
        #expect(ledger.pipe.buckets == [2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], "bucket 10 holds everything beyond")
        #expect(ledger.pipe.failures == 2 && ledger.pipe.accesses == 4)
    }

    /// A reader enters, observes the generation and stays inside until the revoke has either
    /// completed (a fence that does not wait for readers) or is waiting for it (one that
    /// does: the revoker's controller sees it block on the fence's readers). Returns the
    /// reader's bucket. No timing: each outcome follows from what the fence does.
    static func readerInsideDuringRevoke(_ makeFence: (GenerationState) -> any GenerationFence) -> Int {
        let kernel = Kernel()
        let ledger = GenerationLedger()
        let g = ledger.nextGeneration()
        let memory = ModelMemory(g, name: "data", events: kernel.events)
        let state = GenerationState(generation: g, memory: memory,
                                    reference: DeviceGenerationRefcount(kernel: kernel, name: "data") { try? memory.free() })
        let fence = makeFence(state)
        let inside = DispatchSemaphore(value: 0)
        let progress = DispatchSemaphore(value: 0)
        let bucket = Locked(-1)
        let done = DispatchSemaphore(value: 0)
        Thread {
            fence.withAccess { s in
                inside.signal()
                progress.wait()
                bucket.withLock { $0 = ledger.record(observed: s?.generation ?? 0) }
            }
            done.signal()
        }.start()
        inside.wait()
        Scheduling.withController(RevokeWatcher(waiting: progress)) { fence.revoke() }
        ledger.revokeCompleted(g)
        progress.signal()
        done.wait()
        return bucket.withLock { $0 }
    }

    /// Installed on the revoking thread: says (once) when the revoke waits for readers, and
    /// lets it poll until they leave.
    final class RevokeWatcher: ExecutionController, @unchecked Sendable {
        let waiting: DispatchSemaphore
        private let said = Locked(false)
        init(waiting: DispatchSemaphore) { self.waiting = waiting }
        func schedulingPoint(_ operation: SchedulingOperation, site: CallSite) {}
        func block(on target: WaitTarget, site: CallSite) {
            guard case .fenceReaders = target else { sched_yield(); return }
            let first = said.withLock { s -> Bool in
                defer { s = true }
                return !s
            }
            if first { waiting.signal() }
            sched_yield()
            sched_yield()
        }
        func notify(_ target: WaitTarget) {}
    }

    @Test func theRealFenceWaitsForTheReaderInside() {
        #expect(Self.readerInsideDuringRevoke { RevocableGenerationFence($0, events: EventStream()) } == 0)
    }

    @Test func theBustedFenceLetsTheReaderSeeACompletedRevoke() {
        #expect(Self.readerInsideDuringRevoke { BustedFence($0) } == 1)
    }
}

/// The readers reach all the subsystems (GPIO, I2C, SPI, watchdog, misc, tty, MMC, net, USB gadget) and the torture
/// device, and every round ends in an acceptable errno.
@Suite struct ReaderCoverageTests {
    @Test func readerRoundsOpenEveryNode() throws {
        let sim = try SimBoard()
        let recorder = EventRecorder(keeping: [.fileOpen])
        sim.kernel.events.attach(recorder)
        let board = try TortureBoard(sim, broken: [])
        var rng = SplitMix64(seed: 7)
        for round in 0..<200 {
            let outcome = Reader.round(board, reader: round % 3, rng: &rng)
            #expect(Reader.acceptable.contains(outcome), "round \(round): \(outcome)")
        }
        let nodes = Set(recorder.events.map(\.objectName))
        for node in ["gpiochip0", "i2c-0", "spidev0.0", "watchdog0", TortureBoard.pipeNode, "ttyS0", "mmcblk0", "sockfs", "hidg0", "torture-gen0"] {
            #expect(nodes.contains(node), "no reader opened \(node): \(nodes.sorted())")
        }
        _ = board.tearDown()
    }
}
