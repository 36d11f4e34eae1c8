import CharDev
import DriverCore
import Instrumentation

/// How a video node's file calls are kept away from a driver that is going.
public enum V4L2CallDesign: String, Sendable, Equatable, CaseIterable {
    /// Ours: every call runs inside the node's fence; `video_unregister_device` waits for the
    /// calls in flight and no call reaches the driver afterwards.
    case fence
    /// The kernel's (v4l2-dev.c `v4l2_ioctl`, `v4l2_read`, …): each call tests
    /// `video_is_registered` at entry and then runs the driver's handler with nothing holding
    /// the unregistration back — a call that passed the test may still be inside the driver
    /// when the unbind frees its data. Here for the side-by-side comparison
    /// (`V4L2DesignTests`); never the default.
    case registeredBit = "registered-bit"
}

/// `struct video_device` (drivers/media/v4l2-core/v4l2-dev.c): the subsystem-owned object
/// behind `/dev/videoN`, with the driver's release callback.
///
/// Lifetime: registered by ``V4L2Core/registerVideoDevice(_:operations:provider:fileID:line:release:)``
/// (which takes a reference on its ``V4L2Device``); `video_unregister_device` clears the
/// registered bit and removes the node — open files keep the object; the release (the
/// driver's `vdev->release`, then `v4l2_device_put`) runs once, after the last close.
///
/// Thread-safe.
public final class VideoDevice: Sendable, CustomStringConvertible {
    /// `videoN`.
    public let number: Int
    public let v4l2: V4L2Device
    private let state = Locked(State())

    struct State {
        var registered = true
        var cdev: CharDevice?
        var releases = 0
    }

    init(number: Int, v4l2: V4L2Device) {
        self.number = number
        self.v4l2 = v4l2
    }

    public var name: String { "video\(number)" }
    public var description: String { name }

    /// `video_is_registered` (`V4L2_FL_REGISTERED`).
    public var isRegistered: Bool { state.withLock { $0.registered } }
    /// The node.
    public var cdev: CharDevice? { state.withLock { $0.cdev } }
    /// True once the release ran (after the unregistration and the last close).
    public var isReleased: Bool { releaseCount > 0 }
    public var releaseCount: Int { state.withLock { $0.releases } }

    func attach(_ cdev: CharDevice) { state.withLock { $0.cdev = cdev } }
    /// Clears the registered bit; false when it was clear already.
    func clearRegistered() -> Bool {
        state.withLock { s in
            defer { s.registered = false }
            return s.registered
        }
    }
    func released() { state.withLock { $0.releases += 1 } }
}
