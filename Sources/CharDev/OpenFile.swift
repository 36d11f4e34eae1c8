import DriverCore
import Instrumentation
import Synchronization

/// An open file, as user space holds it: the calls a program makes on a file descriptor.
///
/// It references the subsystem's object (``CharDevice``), never driver data, so it may outlive
/// the driver, the hardware and the node: after an unbind every call returns ENODEV, `poll`
/// reports `POLLHUP|POLLERR`, a blocked `read` wakes with ENODEV (or the subsystem's own
/// ``GoneReplies``, e.g. a hung-up tty's end of file and EIO), and `close` is always safe and
/// drops the last reference exactly once.
///
/// Like an fd table entry, a call in progress keeps the file alive (fget/fput): `close` marks
/// the file closed at once (later calls get EBADF) and the file's release runs when the last
/// call in progress returns. Thread-safe.
public final class OpenFile: Sendable, CustomStringConvertible {
    public let path: String
    let cdev: CharDevice
    let context: FileContext
    /// Bit 0: closed. Upper bits: users (1 for the descriptor + calls in flight), in steps of 2.
    private let users = Atomic<Int>(2)

    init(path: String, cdev: CharDevice, context: FileContext) {
        self.path = path
        self.cdev = cdev
        self.context = context
    }

    public var description: String { path }

    /// The device object behind the file (for tools and tests).
    package var characterDevice: CharDevice { cdev }

    public var isClosed: Bool { users.load(ordering: .acquiring) & 1 != 0 }

    // MARK: System calls

    /// `read(2)`. Blocks until data is available unless the file was opened non-blocking
    /// (then EAGAIN). A reader sleeping when the device goes away wakes with ENODEV.
    public func read(maxBytes: Int = 4096, fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> [UInt8] {
        let site = CallSite(fileID: fileID, line: line)
        return try withFile("read", site: site) { () throws(FileError) -> [UInt8] in
            while true {
                // Sampled inside the fence, right before the driver is asked (prepare, then
                // check): a wake-up after it is seen by the sleep; and the call's first access
                // to shared state stays its fence entry (what the explorer's StepPoints relies on).
                var generation: UInt64 = 0
                let endOfFile: [UInt8]?? = cdev.gone.read == .endOfFile ? .some([]) : nil
                let data = try cdev.call("read", .read, context, site: site, ifGone: endOfFile) { (ops, ctx) throws(FileError) in
                    generation = cdev.generation
                    return try ops.read(ctx, maxBytes: maxBytes)
                }
                if let data { return data }
                if context.nonblocking { throw FileError(.EAGAIN, "read on \(path): no data") }
                _ = cdev.sleep(since: generation, deadline: nil, site: site)
                // Woken because the device went away: the fence is closed (the sleep waits for
                // that, not for the start of unregistration), so this ENODEV is final — every
                // later call gets it too. Calling in again instead would find the fence closed
                // anyway. (Returning at the first sight of "gone", before the fence closed, let a
                // later call still reach the driver; found under load by the runner's tests.)
                if cdev.isClosedToCalls {
                    let error = cdev.noDevice("read", .read, context, site: site)
                    if cdev.gone.read == .endOfFile { return [] }
                    throw error
                }
            }
        }
    }

    /// `write(2)`.
    public func write(_ data: [UInt8], fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> Int {
        let site = CallSite(fileID: fileID, line: line)
        return try withFile("write", site: site) { () throws(FileError) -> Int in
            try cdev.call("write", .write, context, site: site) { (ops, ctx) throws(FileError) in try ops.write(ctx, data) }
        }
    }

    /// `ioctl(2)` with a typed request; the reply has the request's type.
    public func ioctl<R: IoctlRequest>(_ request: R, fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> R.Reply {
        let site = CallSite(fileID: fileID, line: line)
        return try withFile(R.name, site: site) { () throws(FileError) -> R.Reply in
            let reply = try cdev.call(R.name, .ioctl, context, site: site) { (ops, ctx) throws(FileError) in try ops.ioctl(ctx, request) }
            guard let typed = reply as? R.Reply else {
                throw FileError(.EINVAL, "\(R.name) on \(path): reply of unexpected type \(type(of: reply))")
            }
            return typed
        }
    }

    /// `poll(2)` on this file for `events`: returns the ready bits. Waits up to `timeout`
    /// nanoseconds for one of `events` (0: do not wait; nil: wait indefinitely). A gone device
    /// reports `POLLHUP|POLLERR` at once; a closed file `POLLNVAL`.
    public func poll(_ events: PollEvents = [.in, .out], timeout: UInt64? = 0,
                     fileID: StaticString = #fileID, line: UInt = #line) -> PollEvents {
        let site = CallSite(fileID: fileID, line: line)
        let result = try? withFile("poll", site: site) { () throws(FileError) -> PollEvents in
            let deadline = timeout.map { monotonicNanoseconds() &+ $0 }
            while true {
                var generation: UInt64 = 0  // as in read
                let ready: PollEvents
                do {
                    ready = try cdev.call("poll", .poll, context, site: site) { (ops, ctx) throws(FileError) in
                        generation = cdev.generation
                        return ops.poll(ctx)
                    }
                } catch {
                    // As the kernel's do_pollfd: the mask filtered by what was asked for, plus
                    // the bits always reported.
                    return cdev.gone.poll.intersection(events.union([.err, .hup]))
                }
                let wanted = ready.intersection(events.union([.err, .hup]))
                if !wanted.isEmpty || timeout == 0 { return wanted }
                if !cdev.sleep(since: generation, deadline: deadline, site: site) { return [] }
                if cdev.isClosedToCalls { return cdev.gone.poll.intersection(events.union([.err, .hup])) }  // as in read: final once the fence is closed
            }
        }
        return result ?? .nval
    }

    /// `close(2)`. Safe at any time, including after the device is gone; a second close is
    /// EBADF. The file's release (and its reference on the device) goes when the last call
    /// still in progress on it returns.
    public func close(fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) {
        let site = CallSite(fileID: fileID, line: line)
        let old = users.bitwiseOr(1, ordering: .acquiringAndReleasing).oldValue
        guard old & 1 == 0 else {
            cdev.namespace.kernel.events.emit(.fileAfterClose, object: cdev.device.id, name: cdev.name,
                                              detail: "close on closed \(path): EBADF", site: site)
            throw FileError(.EBADF, "close on \(path): already closed")
        }
        dropUser(site: site)
    }

    // MARK: fget / fput

    private func withFile<R>(_ what: String, site: CallSite, _ body: () throws(FileError) -> R) throws(FileError) -> R {
        var current = users.load(ordering: .relaxed)
        while true {
            guard current & 1 == 0 else {
                cdev.namespace.kernel.events.emit(.fileAfterClose, object: cdev.device.id, name: cdev.name,
                                                  detail: "\(what) on closed \(path): EBADF", site: site)
                throw FileError(.EBADF, "\(what) on \(path): file is closed")
            }
            let (done, seen) = users.compareExchange(expected: current, desired: current + 2, ordering: .acquiring)
            if done { break }
            current = seen
        }
        defer { dropUser(site: site) }
        return try body()
    }

    private func dropUser(site: CallSite) {
        let old = users.subtract(2, ordering: .acquiringAndReleasing).oldValue
        // Last user gone and closed: old was exactly "closed, one user".
        if old == 3 { cdev.fileClosed(context, site: site) }
    }
}
