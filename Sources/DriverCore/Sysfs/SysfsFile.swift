import Instrumentation
import Synchronization

/// An open attribute file (`struct kernfs_open_file`), as user space holds it.
///
/// It references the file's node, never the driver, so it may outlive the attribute, the
/// driver and the device: once the attribute is removed every read and write returns ENODEV;
/// `close` is always safe. Each read or write runs the attribute's callback inside the node's
/// active reference. Thread-safe.
public final class SysfsFile: Sendable, CustomStringConvertible {
    let node: KernfsNode
    let sysfs: Sysfs
    private let closed = Atomic<Bool>(false)

    init(node: KernfsNode, sysfs: Sysfs) {
        self.node = node
        self.sysfs = sysfs
    }

    public var path: String { node.path }
    public var description: String { node.path }

    /// `read(2)`: the attribute's `show`. ENODEV once the attribute was removed; EIO if it has
    /// no `show`; EBADF after close.
    public func read(fileID: StaticString = #fileID, line: UInt = #line) throws(SysfsError) -> String {
        let site = CallSite(fileID: fileID, line: line)
        try checkOpen("read")
        return try node.withActive("show", events: sysfs.events, site: site) { (attribute) throws(SysfsError) -> String in
            guard let show = attribute.show else { throw SysfsError(.EIO, "read of \(path): no show method") }
            return try show(node.device)
        }
    }

    /// `write(2)`: the attribute's `store`; returns the bytes it accepted. ENODEV once the
    /// attribute was removed; EIO if it has no `store`; EBADF after close.
    @discardableResult
    public func write(_ value: String, fileID: StaticString = #fileID, line: UInt = #line) throws(SysfsError) -> Int {
        let site = CallSite(fileID: fileID, line: line)
        try checkOpen("write")
        return try node.withActive("store", events: sysfs.events, site: site) { (attribute) throws(SysfsError) -> Int in
            guard let store = attribute.store else { throw SysfsError(.EIO, "write of \(path): no store method") }
            return try store(node.device, value)
        }
    }

    /// `close(2)`: always safe; a second close is EBADF.
    public func close() throws(SysfsError) {
        // Relaxed: the flag orders nothing but itself.
        guard !closed.exchange(true, ordering: .relaxed) else { throw SysfsError(.EBADF, "close of \(path): already closed") }
    }

    private func checkOpen(_ what: String) throws(SysfsError) {
        if closed.load(ordering: .relaxed) { throw SysfsError(.EBADF, "\(what) of \(path): file is closed") }
    }
}
