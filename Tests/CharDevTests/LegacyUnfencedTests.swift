import Testing
import Foundation
import CharDev
import DriverCore
import Instrumentation

/// The negative control: the same device with `.legacyUnfenced` (check-then-use, class P3 of Docs/bug-classes.md)
/// lets a call in flight reach driver memory freed by unbind — detected as a use after free —
/// while `.revocable` makes the unregister wait for it. If the fence were broken, the second
/// test would fail the way the first one does.
@Suite struct LegacyUnfencedTests {
    /// Ops whose state is driver memory; `write` pauses between its check and its use.
    final class SlowOps: FileOperations {
        let memory: ModelMemory<Int>
        let entered = DispatchSemaphore(value: 0)
        let proceed = DispatchSemaphore(value: 0)
        init(memory: ModelMemory<Int>) { self.memory = memory }
        func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
            entered.signal()
            proceed.wait()
            do { try memory.write { $0 += data.count } } catch { throw FileError(.EIO, "\(error)") }
            return data.count
        }
    }

    func run(_ protection: Protection) throws -> (uaf: Int, unregisterWaited: Bool) {
        let kernel = Kernel()
        let recorder = EventRecorder(keeping: [.memoryUseAfterFree])
        kernel.events.attach(recorder)
        let ns = DevNamespace(kernel: kernel)
        let memory = ModelMemory(0, name: "driver data", events: kernel.events)
        let ops = SlowOps(memory: memory)
        let cdev = try CharDevice.register(name: "slow0", parent: nil, namespace: ns, operations: ops, protection: protection)
        let file = try ns.open("slow0")
        let written = DispatchSemaphore(value: 0)
        let writer = Thread { _ = try? file.write([1]); written.signal() }
        writer.start()
        ops.entered.wait()
        let unregistered = DispatchSemaphore(value: 0)
        let unbind = Thread {
            cdev.unregister()
            try? memory.free()  // the driver frees its data once unregister returns
            unregistered.signal()
        }
        unbind.start()
        // Legacy: unregister waits for nobody, so give it all the time it needs to return.
        // Fenced: it can never return while the call is in flight; 100 ms shows it waiting.
        let patience: DispatchTime = protection == .legacyUnfenced ? .now() + .seconds(30) : .now() + .milliseconds(100)
        let returnedWhileCallInFlight = unregistered.wait(timeout: patience) == .success
        ops.proceed.signal()
        if !returnedWhileCallInFlight { unregistered.wait() }
        // The write's own use of the driver memory is what is counted: wait for it, not a while.
        written.wait()
        while !file.isClosed { try? file.close() }
        return (recorder.events.count, !returnedWhileCallInFlight)
    }

    @Test func legacyUnfencedLetsACallInFlightUseFreedDriverMemory() throws {
        let result = try run(.legacyUnfenced)
        #expect(!result.unregisterWaited)
        #expect(result.uaf == 1)
    }

    @Test func revocableWaitsForTheCallInFlight() throws {
        let result = try run(.revocable)
        #expect(result.unregisterWaited)
        #expect(result.uaf == 0)
    }
}
