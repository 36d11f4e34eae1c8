import DriverCore
import Instrumentation

/// The bound-scope side of a character device: what a subsystem implements on top of its
/// driver's callbacks (the kernel's `file_operations`, minus everything lifetime-related).
///
/// The helper (``CharDevice``) calls these **only inside the device's revocation fence**:
/// while one runs, the driver cannot finish unbinding, and once unbind has revoked the fence,
/// none runs again — old files get ENODEV without the subsystem writing a single check.
/// Implementations must not block waiting for data: return `nil` from `read` and let the helper
/// sleep (outside the fence, so an unbind never waits for a sleeping reader).
public protocol FileOperations: AnyObject, Sendable {
    /// `fops->owner`: the module whose code these operations are. Opening a file takes a
    /// reference on it (`fops_get`, fs/char_dev.c `chrdev_open`; ENXIO once the module is
    /// going) and the last close drops it, so the module cannot be unloaded while a file is
    /// open. Nil: built into the kernel, nothing to pin.
    var owner: Module? { get }
    /// A file is being opened (the node or an anonymous file): return its private state.
    func open(_ file: FileContext) throws(FileError) -> (any Sendable)?
    /// Up to `maxBytes`, or `nil` when nothing is available yet (the helper then sleeps or
    /// returns EAGAIN).
    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]?
    func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int
    /// A typed request; the reply must be the request's `Reply` type.
    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable
    /// Current readiness (never blocks).
    func poll(_ file: FileContext) -> PollEvents
    /// The file is being closed while the device is still bound.
    func release(_ file: FileContext)
}

extension FileOperations {
    public var owner: Module? { nil }
    public func open(_ file: FileContext) throws(FileError) -> (any Sendable)? { nil }
    public func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        throw FileError(.EINVAL, "read not supported by \(file.node)")
    }
    public func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
        throw FileError(.EINVAL, "write not supported by \(file.node)")
    }
    public func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        throw FileError(.ENOTTY, "\(type(of: request).name) not supported by \(file.node)")
    }
    public func poll(_ file: FileContext) -> PollEvents { [] }
    public func release(_ file: FileContext) {}
}

/// What file operations see of an open file: its node name, flags and private state.
/// Object lifetime: it belongs to the file, never to the driver.
public final class FileContext: Sendable {
    public let node: String
    public let nonblocking: Bool
    private let state = Locked<(any Sendable)?>(nil)

    package init(node: String, nonblocking: Bool, privateData: (any Sendable)?) {
        self.node = node
        self.nonblocking = nonblocking
        state.withLock { $0 = privateData }
    }

    /// `file->private_data`.
    public var privateData: (any Sendable)? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    public func privateData<T>(as type: T.Type) -> T? { privateData as? T }
}
