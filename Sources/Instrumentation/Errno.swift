/// A POSIX error number, as kernel entry points return them (`-ENODEV`) and user space sees
/// them. Shared by every layer (the fence, the driver core, files, subsystems) so an errno
/// means the same thing everywhere; a struct rather than an enum so a layer can name more.
public struct Errno: RawRepresentable, Hashable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let EPERM = Errno(rawValue: 1)
    public static let ENOENT = Errno(rawValue: 2)
    public static let EINTR = Errno(rawValue: 4)
    public static let EIO = Errno(rawValue: 5)
    public static let ENXIO = Errno(rawValue: 6)
    public static let EBADF = Errno(rawValue: 9)
    public static let EAGAIN = Errno(rawValue: 11)
    /// The same number as EAGAIN (asm-generic/errno.h); `delete_module` returns it by this name.
    public static let EWOULDBLOCK = Errno(rawValue: 11)
    public static let ENOMEM = Errno(rawValue: 12)
    public static let EFAULT = Errno(rawValue: 14)
    public static let EBUSY = Errno(rawValue: 16)
    public static let EEXIST = Errno(rawValue: 17)
    public static let ENODEV = Errno(rawValue: 19)
    public static let EINVAL = Errno(rawValue: 22)
    public static let ENOTTY = Errno(rawValue: 25)
    public static let ENOSPC = Errno(rawValue: 28)
    public static let EPIPE = Errno(rawValue: 32)
    public static let EDEADLK = Errno(rawValue: 35)
    public static let ENOSYS = Errno(rawValue: 38)
    public static let EOPNOTSUPP = Errno(rawValue: 95)
    /// The network is down: a send on an interface that is not up.
    public static let ENETDOWN = Errno(rawValue: 100)
    public static let ETIMEDOUT = Errno(rawValue: 110)
    /// Kernel-internal: "probe deferred", never seen by user space.
    public static let EPROBE_DEFER = Errno(rawValue: 517)

    static let names: [Int32: String] = [
        1: "EPERM", 2: "ENOENT", 4: "EINTR", 5: "EIO", 6: "ENXIO", 9: "EBADF", 11: "EAGAIN", 12: "ENOMEM",
        14: "EFAULT", 16: "EBUSY", 17: "EEXIST", 19: "ENODEV", 22: "EINVAL", 25: "ENOTTY", 28: "ENOSPC", 32: "EPIPE",
        35: "EDEADLK", 38: "ENOSYS", 95: "EOPNOTSUPP", 110: "ETIMEDOUT", 517: "EPROBE_DEFER",
        100: "ENETDOWN",
    ]

    /// The symbolic name ("ENODEV"), or "errno N" for an unnamed value.
    public var name: String { Self.names[rawValue] ?? "errno \(rawValue)" }
    public var description: String { name }

    /// Looks a value up by its symbolic name ("ENODEV").
    public init?(name: String) {
        guard let raw = Self.names.first(where: { $0.value == name })?.key else { return nil }
        self.rawValue = raw
    }
}
