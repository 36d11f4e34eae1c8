import CharDev
import DriverCore
import Instrumentation

/// A driver with a debugfs file whose private data is its devres state, created in probe and
/// removed in remove() — on the legacy debugfs (before `49d200deaa68`) or on the fixed one.
/// Teaching material only.
final class LegacyDebugfsDriver: DeviceDriver {
    let name = "legacy-debugfs"
    let idTable = ["legacy-debugfs"]
    let fixed: Bool
    let debugfs: Debugfs
    let legacy = LegacyDebugfs()
    private let entry = Locked<(DebugfsEntry?, LegacyDebugfs.Dentry?)>((nil, nil))

    init(debugfs: Debugfs, fixed: Bool) {
        self.fixed = fixed
        self.debugfs = debugfs
    }

    /// The file's operations: they read the private data (`file->private_data`).
    final class StateOps: FileOperations {
        func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
            guard let state = file.privateData(as: ModelMemory<UInt8>.self) else { throw FileError(.EINVAL, "no data") }
            do { return [try state.get()] } catch { throw FileError(.EFAULT, "\(error)") }
        }
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let (fixed, debugfs, legacy, entry) = (self.fixed, self.debugfs, self.legacy, self.entry)
        try ProbeError.mapping {
            let state = try device.devres.alloc(UInt8(3), name: "devm_kzalloc(state)")
            if fixed {
                let e = try debugfs.createFile("legacy-debugfs/state", data: state, operations: StateOps())
                entry.withLock { $0.0 = e }
            } else {
                let d = legacy.createFile("legacy-debugfs/state", data: state, operations: StateOps())
                entry.withLock { $0.1 = d }
            }
        }
    }

    /// debugfs_remove() before devres frees the state: right in the fixed design, not enough
    /// in the old one.
    func remove(_ device: borrowing BoundDevice) {
        let (e, d) = entry.withLock { $0 }
        if let e { debugfs.remove(e) }
        if let d { legacy.remove(d) }
    }
}
