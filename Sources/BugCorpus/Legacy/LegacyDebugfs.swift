import CharDev
import DriverCore
import Instrumentation

/// debugfs before `49d200deaa68` and `9fd4dcece43a` (fs/debugfs/file.c, v4.6), as a legacy
/// file system: an open file's calls go straight to the driver's file operations, with
/// nothing keeping `debugfs_remove()` out — it unlinks and returns — and an open that found
/// the dentry before the removal calls `fops_get()` on operations whose module may have been
/// unloaded since (reading `->owner` out of the module's freed memory). The fixed design is
/// CharDev's `Debugfs`. Teaching material only.
final class LegacyDebugfs: Sendable {
    /// The dentry: the driver's data and operations, and the module whose memory holds them.
    final class Dentry: Sendable {
        let path: String
        let data: (any Sendable)?
        let operations: any FileOperations
        let module: Module?
        init(path: String, data: (any Sendable)?, operations: any FileOperations, module: Module?) {
            self.path = path
            self.data = data
            self.operations = operations
            self.module = module
        }
    }

    /// An open file: `file->f_op` is the driver's operations themselves.
    final class File: Sendable {
        let dentry: Dentry
        let context: FileContext
        init(dentry: Dentry, context: FileContext) {
            self.dentry = dentry
            self.context = context
        }

        func read() throws(FileError) -> [UInt8] { try dentry.operations.read(context, maxBytes: 64) ?? [] }

        func close() {
            dentry.operations.release(context)
            dentry.module?.put()
        }
    }

    private let entries = Locked<[String: Dentry]>([:])

    func createFile(_ path: String, data: (any Sendable)?, operations: any FileOperations, module: Module? = nil) -> Dentry {
        let dentry = Dentry(path: path, data: data, operations: operations, module: module)
        entries.withLock { $0[path] = dentry }
        return dentry
    }

    /// The old `debugfs_remove`: unlinks, waits for nobody, marks nothing.
    func remove(_ dentry: Dentry) { entries.withLock { if $0[dentry.path] === dentry { $0[dentry.path] = nil } } }

    func lookup(_ path: String) throws(FileError) -> Dentry {
        guard let d = entries.withLock({ $0[path] }) else { throw FileError(.ENOENT, "\(path): no such file") }
        return d
    }

    /// `do_dentry_open` with the driver's operations as `i_fop`: `fops_get()` reads the
    /// operations' owner out of the module's memory, then the driver's `open` runs.
    func open(_ dentry: Dentry) throws(FileError) -> File {
        if let module = dentry.module {
            do { try module.execute("fops_get(\(dentry.path))") {} } catch { throw FileError(.EFAULT, "\(error)") }
            guard module.tryGet() else { throw FileError(.ENXIO, "open of \(dentry.path): module going") }
        }
        let context = FileContext(node: dentry.path, nonblocking: false, privateData: dentry.data)
        if let data = try dentry.operations.open(context) { context.privateData = data }
        return File(dentry: dentry, context: context)
    }
}
