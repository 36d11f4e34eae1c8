import DriverCore
import Instrumentation

/// `struct v4l2_device` (drivers/media/v4l2-core/v4l2-device.c): the top-level object of a
/// V4L2 driver instance, refcounted with `v4l2_device_get`/`v4l2_device_put`. The driver's
/// `release` callback runs at the last put — after the unbind's put *and* after every video
/// device registered on it was released (each holds a reference from `video_register_device`
/// to its own release, v4l2-dev.c), so state that user space can still reach through an open
/// `/dev/videoN` may be freed there and nowhere earlier.
///
/// Thread-safe. Cost: one atomic per get/put (a model `Device`, never added to the tree).
public final class V4L2Device: Sendable, CustomStringConvertible {
    /// `v4l2_dev->name`.
    public let name: String
    /// The refcount (`v4l2_dev->ref`).
    let object: Device
    private let releases = Locked(0)

    init(name: String, kernel: Kernel, release: (@Sendable () -> Void)?) {
        self.name = name
        let releases = self.releases
        object = Device(kernel: kernel, name: "v4l2:\(name)", parent: nil) { _ in
            releases.withLock { $0 += 1 }
            release?()
        }
    }

    public var description: String { name }

    /// `v4l2_device_get`. Throws once released.
    public func get(fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        try object.get(fileID: fileID, line: line)
    }

    /// `v4l2_device_put`: the last one runs the driver's release callback.
    public func put(fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        try object.put(fileID: fileID, line: line)
    }

    /// Object-lifetime resources of the driver instance, released at the last put: where a
    /// driver's state that video nodes reach belongs (instead of devres).
    public var resources: ObjectResources { object.objectResources }

    /// True once the release ran; ``releaseCount`` is 1 at most or the model is broken.
    public var isReleased: Bool { releaseCount > 0 }
    public var releaseCount: Int { releases.withLock { $0 } }
    /// The current reference count.
    public var referenceCount: Int { object.referenceCount }
}
