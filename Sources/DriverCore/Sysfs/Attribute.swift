import Instrumentation

/// A device attribute (`struct device_attribute`, include/linux/device.h): a file in the
/// device's sysfs directory whose `show` and `store` run driver code.
///
/// The callbacks run only inside the attribute's active reference (see ``Sysfs``): while one
/// runs, removing the attribute waits for it; once removal began, none starts. So a callback
/// of a driver's `dev_groups` may use the driver's bound data without any check of its own.
/// They must be thread-safe and must not remove their own attribute (that would wait for
/// itself; the kernel has `device_remove_file_self` for it).
public struct DeviceAttribute: Sendable {
    public typealias Show = @Sendable (Device) throws(SysfsError) -> String
    public typealias Store = @Sendable (Device, String) throws(SysfsError) -> Int

    public let name: String
    /// `show`: the file's content. Nil: the file is write-only (reads get EIO, as kernfs's
    /// `sysfs_kf_seq_show` without a show method).
    public let show: Show?
    /// `store`: consumes a write and returns the bytes it accepted. Nil: read-only (EIO).
    public let store: Store?

    public init(_ name: String, show: Show? = nil, store: Store? = nil) {
        self.name = name
        self.show = show
        self.store = store
    }
}

/// An attribute group (`struct attribute_group`, include/linux/sysfs.h): attributes created
/// and removed together, optionally in a subdirectory, optionally filtered by `isVisible`.
public struct AttributeGroup: Sendable {
    /// The subdirectory, or nil for the device's own directory.
    public let name: String?
    public let attributes: [DeviceAttribute]
    /// `is_visible`: false leaves the attribute out (mode 0). Called when the group is created.
    public let isVisible: (@Sendable (Device, DeviceAttribute) -> Bool)?

    public init(name: String? = nil, attributes: [DeviceAttribute],
                isVisible: (@Sendable (Device, DeviceAttribute) -> Bool)? = nil) {
        self.name = name
        self.attributes = attributes
        self.isVisible = isVisible
    }

    /// The path of `attribute` of this group under `device` (`gpio-sim.0/ofn/reg_addr`).
    func path(of attribute: DeviceAttribute, on device: Device) -> String {
        [device.name, name, attribute.name].compactMap { $0 }.joined(separator: "/")
    }
}

/// What a sysfs operation returns instead of a result: an errno and a message that says what
/// and where (user space sees the errno).
public struct SysfsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let errno: Errno
    public let message: String

    public init(_ errno: Errno, _ message: String) {
        self.errno = errno
        self.message = message
    }

    /// Equal when the errno is: callers compare errnos, messages are for people.
    public static func == (a: SysfsError, b: SysfsError) -> Bool { a.errno == b.errno }

    public var description: String { "\(errno): \(message)" }
}

extension EventKind {
    /// An attribute file appeared. Object: the device; detail: the path.
    public static let sysfsAdd = EventKind("sysfs.add")
    /// An attribute file was removed and its callbacks in flight drained. Object: the device.
    public static let sysfsRemove = EventKind("sysfs.remove")
    /// A call through an open attribute file after its removal returned ENODEV. Object: the
    /// file's node (the device may be long released).
    public static let sysfsNoDevice = EventKind("sysfs.enodev")
}
