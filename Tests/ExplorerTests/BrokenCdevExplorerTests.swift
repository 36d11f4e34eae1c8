import CharDev
import DriverCore
import Instrumentation
import Testing
@testable import ExplorerEngine

/// The explorer against a broken fixture and the real design: a character device without
/// revocation (check, then use: class P3) lets some schedule free the driver's memory between
/// a write's check and its use; with the Revocable fence no schedule does.
@Suite struct BrokenCdevExplorerTests {
    final class Ops: FileOperations {
        let memory: ModelMemory<Int>
        init(memory: ModelMemory<Int>) { self.memory = memory }
        func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
            Scheduling.point(.step("between the check and the use"))
            do { try memory.write { $0 += data.count } } catch { throw FileError(.EIO, "\(error)") }
            return data.count
        }
    }

    static func program(_ protection: Protection) -> ExplorationProgram {
        .custom(name: "cdev-\(protection)", actors: ["writer", "admin"]) {
            let kernel = Kernel()
            let recorder = EventRecorder(keeping: [.memoryUseAfterFree])
            kernel.events.attach(recorder)
            let ns = DevNamespace(kernel: kernel)
            let memory = ModelMemory(0, name: "driver data", events: kernel.events)
            let cdev = try? CharDevice.register(name: "echo0", parent: nil, namespace: ns,
                                                operations: Ops(memory: memory), protection: protection)
            let file = try? ns.open("echo0")
            return CustomExecution(actors: [
                { _ = try? file?.write([1]) },
                { cdev?.unregister(); try? memory.free() },  // unbind, then the driver frees its data
            ], check: {
                try? file?.close()
                let uaf = recorder.events.count
                return Verdict(failures: uaf > 0 ? ["use-after-free of the driver's data"] : [], outcome: "uaf=\(uaf)")
            })
        }
    }

    static let strategies: [ExplorationStrategy] = [.preemptionBounded(maxPreemptions: 2), .exhaustive()]

    @Test(arguments: strategies)
    func withoutRevocationSomeScheduleUsesFreedMemory(_ strategy: ExplorationStrategy) {
        let result = Explorer(program: Self.program(.legacyUnfenced)).explore(strategy: strategy)
        #expect(!result.failures.isEmpty, "\(result.report)")
        #expect(result.failures.first?.reproduced == true)
    }

    @Test(arguments: strategies)
    func withTheFenceNoScheduleDoes(_ strategy: ExplorationStrategy) {
        let result = Explorer(program: Self.program(.revocable)).explore(strategy: strategy)
        #expect(result.failures.isEmpty, "\(result.report)")
        #expect(result.executions > 1)
    }
}
