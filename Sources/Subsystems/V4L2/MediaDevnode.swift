import CharDev
import DriverCore
import Instrumentation

/// `struct media_devnode` (drivers/media/mc/mc-devnode.c): the node `/dev/mediaN` of a media
/// controller, allocated by the core on its own and freed by its device's release after the
/// last close — the design 5b28dde51d0c moved to after the devnode had lived in the driver's
/// devm memory (Scenarios/bugs/media-devnode-devres.* is that bug).
///
/// After `media_devnode_unregister` the kernel's calls test `MEDIA_FLAG_REGISTERED` at entry
/// and answer EIO (open: ENXIO); here every call is fenced and answers ENODEV, poll
/// POLLERR|POLLHUP as the kernel's.
public final class MediaDevnode: Sendable, CustomStringConvertible {
    public let minor: Int
    /// `media_device_info.model` and `.driver`.
    public let model: String
    public let driverName: String
    private let state = Locked<(cdev: CharDevice?, releases: Int)>((nil, 0))

    init(minor: Int, model: String, driverName: String) {
        self.minor = minor
        self.model = model
        self.driverName = driverName
    }

    public var name: String { "media\(minor)" }
    public var description: String { name }
    public var cdev: CharDevice? { state.withLock { $0.cdev } }
    /// `media_devnode_is_registered`.
    public var isRegistered: Bool { cdev?.isAlive ?? false }
    public var releaseCount: Int { state.withLock { $0.releases } }

    func attach(_ cdev: CharDevice) { state.withLock { $0.cdev = cdev } }
    func released() { state.withLock { $0.releases += 1 } }
}

/// `struct media_device_info`, reduced.
public struct MediaDeviceInfo: Sendable, Equatable {
    public let driver: String
    public let model: String
}

/// `MEDIA_IOC_DEVICE_INFO`.
public struct MediaIocDeviceInfo: IoctlRequest {
    public typealias Reply = MediaDeviceInfo
    public static let name = "MEDIA_IOC_DEVICE_INFO"
    public init() {}
}

/// The media controller's file operations (mc-device.c `media_device_fops`).
final class MediaDevnodeOps: FileOperations {
    let devnode: MediaDevnode
    init(devnode: MediaDevnode) { self.devnode = devnode }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        guard request is MediaIocDeviceInfo else { throw FileError(.ENOTTY, "\(type(of: request).name) on \(file.node)") }
        return MediaDeviceInfo(driver: devnode.driverName, model: devnode.model)
    }
}
