import CharDev
import DriverCore
import Instrumentation

/// What a V4L2 driver provides for one video node (the bound-scope part: its
/// `v4l2_ioctl_ops` and frame source). Called only inside the node's fence (with
/// ``V4L2CallDesign/fence``), so it may keep its state in devres memory.
public protocol VideoDeviceOps: AnyObject, Sendable {
    /// `v4l2_capability.driver` and `.card`.
    var driverName: String { get }
    var cardName: String { get }
    /// `VIDIOC_G_CTRL`: a control's value, read from the hardware.
    func getControl(_ id: UInt32) throws(FileError) -> Int32
    /// A captured frame, or nil when none is ready (the helper then sleeps).
    func dequeueFrame() throws(FileError) -> [UInt8]?
}

/// `struct v4l2_capability`, reduced to what the model tracks.
public struct V4L2Capability: Sendable, Equatable {
    public let driver: String
    public let card: String
    public let busInfo: String
}

/// `VIDIOC_QUERYCAP`.
public struct VidiocQuerycap: IoctlRequest {
    public typealias Reply = V4L2Capability
    public static let name = "VIDIOC_QUERYCAP"
    public init() {}
}

/// `VIDIOC_G_CTRL`: the value of control `id` (`V4L2_CID_BRIGHTNESS` is 0x00980900).
public struct VidiocGCtrl: IoctlRequest {
    public typealias Reply = Int32
    public static let name = "VIDIOC_G_CTRL"
    public let id: UInt32
    public init(id: UInt32) { self.id = id }
}

/// The file operations of `/dev/videoN` (v4l2-dev.c `v4l2_fops`) on top of the driver's ops.
final class VideoFileOps: FileOperations {
    let vdev: VideoDevice
    let driver: any VideoDeviceOps
    let busInfo: String

    init(vdev: VideoDevice, driver: any VideoDeviceOps, busInfo: String) {
        self.vdev = vdev
        self.driver = driver
        self.busInfo = busInfo
    }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        switch request {
        case is VidiocQuerycap:
            return V4L2Capability(driver: driver.driverName, card: driver.cardName, busInfo: busInfo)
        case let r as VidiocGCtrl:
            return try driver.getControl(r.id)
        default:
            throw FileError(.ENOTTY, "\(type(of: request).name) on \(file.node)")
        }
    }

    /// `read()` I/O: a frame, or nil (sleep, outside the fence) while none is ready.
    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        try driver.dequeueFrame().map { Array($0.prefix(max(maxBytes, 0))) }
    }

    func poll(_ file: FileContext) -> PollEvents { [] }
}
