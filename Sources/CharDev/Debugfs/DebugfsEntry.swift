import DriverCore
import Instrumentation
import Revocable
import Synchronization

/// One debugfs file (its dentry and inode): the path, the driver's private data, and the
/// driver's operations behind the full proxy's fence.
public final class DebugfsEntry: Sendable, CustomStringConvertible {
    public let id = ObjectID.next()
    public let path: String
    /// `i_private`: what every open file starts with as its private data.
    let data: (any Sendable)?
    /// `debugfs_file_get`/`put` around each call; revoked by `debugfs_remove`.
    let proxy: Revocable<any FileOperations>
    /// The operations themselves, for `release` (`full_proxy_release` calls it outside the
    /// proxy: the module is pinned by the open file, and release must run exactly once).
    let operations: any FileOperations

    init(path: String, data: (any Sendable)?, operations: any FileOperations, events: EventStream) {
        self.path = path
        self.data = data
        self.operations = operations
        proxy = Revocable(operations, name: "debugfs \(path)", events: events)
    }

    public var description: String { path }

    /// False once `debugfs_remove` began.
    public var isLive: Bool { !proxy.isRevoked }
}

/// An open debugfs file, as user space holds it: safe to use and close at any time; after its
/// file was removed, reads and writes return EIO. Thread-safe.
public final class DebugfsFile: Sendable, CustomStringConvertible {
    public let entry: DebugfsEntry
    let context: FileContext
    let events: EventStream
    private let closed = Atomic<Bool>(false)

    init(entry: DebugfsEntry, context: FileContext, events: EventStream) {
        self.entry = entry
        self.context = context
        self.events = events
    }

    public var description: String { entry.path }

    /// `read(2)` through the proxy: the driver's `read` (an empty result when it has none to
    /// give; debugfs files do not block). EIO once removed, EBADF after close.
    public func read(maxBytes: Int = 4096, fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> [UInt8] {
        try proxied("read", site: CallSite(fileID: fileID, line: line)) { (ops) throws(FileError) in
            try ops.read(context, maxBytes: maxBytes) ?? []
        }
    }

    /// `write(2)` through the proxy. EIO once removed, EBADF after close.
    @discardableResult
    public func write(_ data: [UInt8], fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> Int {
        try proxied("write", site: CallSite(fileID: fileID, line: line)) { (ops) throws(FileError) in try ops.write(context, data) }
    }

    /// `close(2)` (`full_proxy_release`): the driver's `release`, then the module reference
    /// taken at open is dropped. A second close is EBADF.
    public func close(fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) {
        // acquiringAndReleasing: the release must see everything the file's calls did.
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else {
            throw FileError(.EBADF, "close of \(entry.path): already closed")
        }
        entry.operations.release(context)
        entry.operations.owner?.put(fileID: fileID, line: line)
    }

    private func proxied<R>(_ what: String, site: CallSite,
                            _ body: (any FileOperations) throws(FileError) -> R) throws(FileError) -> R {
        if closed.load(ordering: .acquiring) { throw FileError(.EBADF, "\(what) of \(entry.path): file is closed") }
        return try entry.proxy.withAccess { (ops: (any FileOperations)?) throws(FileError) -> R in
            guard let ops else {
                events.emit(.debugfsRemoved, object: entry.id, name: entry.path, detail: "\(what): EIO", site: site)
                throw FileError(.EIO, "\(what) of \(entry.path): removed")
            }
            // The driver's operation is in flight: a removal may start now and must wait.
            Scheduling.point(.call(entry.id, name: "\(what) \(entry.path)"), site: site)
            return try body(ops)
        }
    }
}
