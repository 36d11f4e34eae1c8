import Instrumentation

/// What a system call on a device node returns instead of a result: an errno and a message
/// that says what and where, as `strerror` plus the kernel log would.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let errno: Errno
    public let message: String

    public init(_ errno: Errno, _ message: String) {
        self.errno = errno
        self.message = message
    }

    /// Equal when the errno is: tests and user space compare errnos, messages are for people.
    public static func == (a: FileError, b: FileError) -> Bool { a.errno == b.errno }

    public var description: String { "\(errno): \(message)" }

    /// The device is gone (unbound, unplugged): every call on an old handle gets this.
    public static func noDevice(_ what: String) -> FileError { FileError(.ENODEV, "\(what): no such device") }
}

/// Readiness bits of `poll(2)`.
public struct PollEvents: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let `in` = PollEvents(rawValue: 0x001)
    public static let pri = PollEvents(rawValue: 0x002)
    public static let out = PollEvents(rawValue: 0x004)
    public static let err = PollEvents(rawValue: 0x008)
    public static let hup = PollEvents(rawValue: 0x010)
    public static let nval = PollEvents(rawValue: 0x020)

    /// Each bit with its `<poll.h>` name, in the order reports print them: the one table of
    /// poll-bit names (scenario files, reports and this description all read it).
    public static let named: [(bit: PollEvents, name: String)] = [(.in, "POLLIN"), (.pri, "POLLPRI"), (.out, "POLLOUT"),
                                                                  (.err, "POLLERR"), (.hup, "POLLHUP"), (.nval, "POLLNVAL")]

    /// The names of the set bits (`["POLLERR", "POLLHUP"]`).
    public var names: [String] { Self.named.filter { contains($0.bit) }.map(\.name) }

    public var description: String { names.isEmpty ? "0" : names.joined(separator: "|") }
}

/// A typed ioctl request: its reply type is known at the call site, so user code gets a typed
/// result back (`try file.ioctl(GpioGetChipInfo())` is a `GpioChipInfo`).
public protocol IoctlRequest: Sendable {
    associatedtype Reply: Sendable
    /// The request's name as the uAPI header spells it (`GPIO_GET_CHIPINFO_IOCTL`).
    static var name: String { get }
}
