import CharDev
import DriverCore
import Instrumentation
import Testing

/// debugfs with the full proxy (fs/debugfs/file.c since `49d200deaa68`, `9fd4dcece43a`).
@Suite struct DebugfsTests {
    /// A driver's debugfs file: its private data is the driver's memory.
    final class StateFile: FileOperations {
        let owner: Module?
        let releases = Locked(0)
        init(owner: Module? = nil) { self.owner = owner }
        func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
            guard let state = file.privateData(as: ModelMemory<UInt8>.self) else { throw FileError(.EINVAL, "no data") }
            do { return [try state.get()] } catch { throw FileError(.EFAULT, "\(error)") }
        }
        func release(_ file: FileContext) { releases.withLock { $0 += 1 } }
    }

    /// The canonical case: open → remove (and free the data) → read → close.
    @Test func aRemovedFileGetsEIOAndNeverReachesFreedData() throws {
        let kernel = Kernel()
        let recorder = EventRecorder()
        kernel.events.attach(recorder)
        let debugfs = Debugfs(kernel: kernel)
        let state = ModelMemory<UInt8>(5, name: "driver state", events: kernel.events)
        let ops = StateFile()
        let entry = try debugfs.createFile("drv/state", data: state, operations: ops)
        let file = try debugfs.open("drv/state")
        #expect(try file.read() == [5])
        debugfs.remove(entry)
        try state.free()  // the driver frees its data once debugfs_remove returned
        #expect(throws: FileError(.EIO, "")) { try file.read() }
        #expect(throws: FileError(.EIO, "")) { try file.write([1]) }
        try file.close()
        #expect(ops.releases.withLock { $0 } == 1)
        #expect(throws: FileError(.EBADF, "")) { try file.close() }
        #expect(throws: FileError(.ENOENT, "")) { try debugfs.open("drv/state") }
        // An open that found the dentry before the removal: refused before the driver is touched.
        #expect(throws: FileError(.ENOENT, "")) { try debugfs.open(entry) }
        #expect(recorder.events(.memoryUseAfterFree).isEmpty)
        #expect(recorder.events(.debugfsRemoved).count == 3)
    }

    @Test func anOpenDebugfsFilePinsItsModuleAndDuplicatesAreEEXIST() throws {
        let kernel = Kernel()
        let debugfs = Debugfs(kernel: kernel)
        let module = try kernel.loadModule("dbg_mod")
        let state = ModelMemory<UInt8>(1, name: "s")
        let entry = try debugfs.createFile("dbg", data: state, operations: StateFile(owner: module))
        #expect(throws: FileError(.EEXIST, "")) { try debugfs.createFile("dbg", data: nil, operations: StateFile()) }
        let file = try debugfs.open("dbg")
        #expect(throws: DriverCoreError.self) { try kernel.deleteModule("dbg_mod") }
        try file.close()
        debugfs.remove(entry)
        try kernel.deleteModule("dbg_mod")
        #expect(debugfs.paths.isEmpty)
    }
}
