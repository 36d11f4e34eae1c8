import DriverCore
import Instrumentation

/// debugfs (fs/debugfs/): files a driver creates with its own private data and file
/// operations, for as long as it likes — and user space may hold them open for longer.
///
/// **The fixed design (the kernel's since `49d200deaa68` and `9fd4dcece43a`, v4.7).** Every
/// call through a file goes through the full proxy (`full_proxy_*`): `debugfs_file_get`, the
/// driver's operation, `debugfs_file_put`. ``remove(_:fileID:line:)`` (`debugfs_remove`)
/// unlinks the file, then waits for the calls in flight only; afterwards no operation of the
/// driver runs again for it and its private data may be freed. An open of a removed file gets
/// ENOENT before anything of the driver is touched (its operations may belong to a module
/// gone since); a read or write through a file still open gets EIO; close is always safe
/// (the driver's `release` still runs, its module pinned since open, as `full_proxy_release`).
///
/// The proxy is a `Revocable` per file (the kernel's `active_users` count and its
/// completion), so the explorer interleaves calls and removals at its fence.
///
/// Cost: one model lock per create, remove and open; one fence access per call. Thread-safe.
/// Removal may block (on calls in flight).
public final class Debugfs: Sendable {
    public let kernel: Kernel
    /// The debugfs inode lock: a model lock, so the explorer can interleave opens and removals.
    let lock: ModelLock
    private let entries = Locked<[String: DebugfsEntry]>([:])

    public init(kernel: Kernel) {
        self.kernel = kernel
        lock = ModelLock(class: "debugfs", name: "debugfs", events: kernel.events)
    }

    /// Paths that exist now, sorted.
    public var paths: [String] { entries.withLock { $0.keys.sorted() } }

    /// `debugfs_create_file()`: `data` becomes the file's `i_private` (each open file starts
    /// with it as its private data, as `simple_open` does); `operations` are the driver's.
    /// - Throws: EEXIST if the path exists.
    @discardableResult
    public func createFile(_ path: String, data: (any Sendable)?, operations: any FileOperations,
                           fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> DebugfsEntry {
        let site = CallSite(fileID: fileID, line: line)
        let entry = DebugfsEntry(path: path, data: data, operations: operations, events: kernel.events)
        try lock.withLock(site: site) { () throws(FileError) in
            try entries.withLock { (table: inout [String: DebugfsEntry]) throws(FileError) in
                guard table[path] == nil else { throw FileError(.EEXIST, "debugfs: '\(path)' already exists") }
                table[path] = entry
            }
        }
        kernel.events.emit(.debugfsCreate, object: entry.id, name: path, site: site)
        return entry
    }

    /// `debugfs_remove()`: unlinks the file (no new lookup finds it), then waits for the
    /// calls in flight through open files (`__debugfs_file_removed`). Idempotent.
    public func remove(_ entry: DebugfsEntry, fileID: StaticString = #fileID, line: UInt = #line) {
        let site = CallSite(fileID: fileID, line: line)
        lock.withLock(site: site) {
            entries.withLock { table in if table[entry.path] === entry { table[entry.path] = nil } }
        }
        guard !entry.proxy.isRevoked else { return }
        _ = try? entry.proxy.revoke(site: site)
        kernel.events.emit(.debugfsRemove, object: entry.id, name: entry.path, site: site)
    }

    /// The path walk of an open: the file's dentry, which user space may still hold when the
    /// file is removed (an open racing `debugfs_remove`). ENOENT if no such file.
    public func lookup(_ path: String, fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> DebugfsEntry {
        let entry = lock.withLock(site: CallSite(fileID: fileID, line: line)) { entries.withLock { $0[path] } }
        guard let entry else { throw FileError(.ENOENT, "\(path): no such file or directory") }
        return entry
    }

    /// `open(2)` of a path: ``lookup(_:fileID:line:)`` then the open of a dentry.
    public func open(_ path: String, fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> DebugfsFile {
        try open(lookup(path, fileID: fileID, line: line), fileID: fileID, line: line)
    }

    /// `full_proxy_open`: inside the proxy (ENOENT if removed), pin the operations' module
    /// (`fops_get`; ENXIO if it is going), then the driver's `open`.
    public func open(_ entry: DebugfsEntry, fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> DebugfsFile {
        let site = CallSite(fileID: fileID, line: line)
        let context = FileContext(node: entry.path, nonblocking: false, privateData: entry.data)
        try entry.proxy.withAccess { (ops: (any FileOperations)?) throws(FileError) in
            guard let ops else {
                kernel.events.emit(.debugfsRemoved, object: entry.id, name: entry.path, detail: "open: ENOENT", site: site)
                throw FileError(.ENOENT, "open of \(entry.path): removed")
            }
            if let owner = ops.owner, !owner.tryGet(fileID: fileID, line: line) {
                throw FileError(.ENXIO, "open of \(entry.path): module \(owner.name) is \(owner.state)")
            }
            Scheduling.point(.call(entry.id, name: "open \(entry.path)"), site: site)
            do throws(FileError) {
                if let data = try ops.open(context) { context.privateData = data }
            } catch {
                ops.owner?.put(fileID: fileID, line: line)
                throw error
            }
        }
        return DebugfsFile(entry: entry, context: context, events: kernel.events)
    }
}

extension EventKind {
    public static let debugfsCreate = EventKind("debugfs.create")
    /// A file was removed and the calls in flight through it drained.
    public static let debugfsRemove = EventKind("debugfs.remove")
    /// A call through a removed file was refused (open: ENOENT; read, write: EIO).
    public static let debugfsRemoved = EventKind("debugfs.removed")
}
