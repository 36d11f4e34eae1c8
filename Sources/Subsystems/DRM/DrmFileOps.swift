import CharDev
import DriverCore
import Instrumentation

/// What a DRM driver provides (the bound-scope part of `struct drm_driver` and its connector
/// funcs). Called by the core only inside the device's fence, so an implementation may keep
/// its state in devres memory (`devm_ioremap`'d registers): after the unplug nothing calls it.
public protocol DrmDriverOps: AnyObject, Sendable {
    /// `drm_driver.desc`.
    var driverDescription: String { get }
    /// `drm_connector_funcs.detect`: reads the hot-plug-detect state from the hardware.
    func detectConnector() throws(FileError) -> Bool
}

/// `struct drm_version`, reduced to what the model tracks.
public struct DrmVersion: Sendable, Equatable {
    public let name: String
    public let description: String
}

/// `DRM_IOCTL_VERSION`: the driver's name and description.
public struct DrmIoctlVersion: IoctlRequest {
    public typealias Reply = DrmVersion
    public static let name = "DRM_IOCTL_VERSION"
    public init() {}
}

/// `DRM_IOCTL_MODE_GETCONNECTOR`, reduced to the connection state: runs the driver's detect,
/// which reads the HDMI controller's registers.
public struct DrmIoctlModeGetConnector: IoctlRequest {
    public typealias Reply = Bool
    public static let name = "DRM_IOCTL_MODE_GETCONNECTOR"
    public init() {}
}

/// The file operations of `/dev/dri/cardN` (drivers/gpu/drm/drm_file.c, drm_ioctl.c). They
/// run only inside the node's fence — the whole ioctl, where `drm_ioctl` checks
/// `drm_dev_is_unplugged` once at entry and leaves the rest to each driver's `drm_dev_enter`.
/// `read` waits for events (`drm_read`; none are generated in the model) outside the fence, so
/// an unplug wakes a sleeping reader with ENODEV and never waits for it.
final class DrmFileOps: FileOperations {
    let drm: DrmDevice
    let driver: any DrmDriverOps

    init(drm: DrmDevice, driver: any DrmDriverOps) {
        self.drm = drm
        self.driver = driver
    }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        switch request {
        case is DrmIoctlVersion:
            return DrmVersion(name: drm.driverName, description: driver.driverDescription)
        case is DrmIoctlModeGetConnector:
            return try driver.detectConnector()
        default:
            throw FileError(.ENOTTY, "\(type(of: request).name) on \(file.node)")
        }
    }

    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? { nil }
}
