import CharDev
import DriverCore
import Instrumentation

/// The V4L2 core (drivers/media/v4l2-core/v4l2-dev.c, v4l2-device.c) and the media devnode
/// layer (drivers/media/mc/mc-devnode.c): `v4l2_device_register`, `video_register_device` as
/// `/dev/videoN`, `media_devnode_register` as `/dev/mediaN`, and their unregistration when the
/// provider unbinds.
///
/// Guarantees (with the default ``V4L2CallDesign/fence``): a node is published last; at
/// unbind `video_unregister_device` clears the registered bit and removes the node, waiting
/// only for calls in flight; no call reaches the driver afterwards (old files get ENODEV,
/// poll POLLERR|POLLHUP); the `video_device` release callback runs once after the last close
/// and then drops its `v4l2_device` reference, so the `v4l2_device` release runs after every
/// node's.
///
/// Thread-safe. Cost: one registry lock per registration and per removal.
public final class V4L2Core: Sendable {
    public let namespace: DevNamespace
    public let design: V4L2CallDesign
    /// `video_devices[]` (minor table under `videodev_lock`).
    let videos: SubsystemRegistry<VideoDevice>
    /// `media_devnode_nums` under `media_devnode_lock`.
    let medias: SubsystemRegistry<MediaDevnode>

    public init(namespace: DevNamespace, design: V4L2CallDesign = .fence) {
        self.namespace = namespace
        self.design = design
        let events = namespace.kernel.events
        // VIDEO_NUM_DEVICES and MEDIA_NUM_DEVICES are 256.
        videos = SubsystemRegistry(kind: "video minor", numbers: 0..<256, whenFull: .ENFILE, events: events)
        medias = SubsystemRegistry(kind: "media minor", numbers: 0..<256, whenFull: .ENFILE, events: events)
    }

    public var videoDevices: [VideoDevice] { videos.objects }
    public var mediaDevnodes: [MediaDevnode] { medias.objects }

    /// `v4l2_device_register` with a release callback: one reference, dropped by a devres
    /// action at the provider's unbind (the driver's `v4l2_device_put` in its disconnect).
    /// `release` runs at the last put, after every video device on it was released.
    public func registerV4L2Device(name: String, provider: borrowing BoundDevice,
                                   fileID: StaticString = #fileID, line: UInt = #line,
                                   release: (@Sendable () -> Void)? = nil) throws(DriverCoreError) -> V4L2Device {
        let v4l2 = V4L2Device(name: name, kernel: namespace.kernel, release: release)
        try provider.devres.addActionOrReset(ActionKey("v4l2_device_put", data: v4l2), fileID: fileID, line: line) {
            try? v4l2.put(fileID: fileID, line: line)
        }
        return v4l2
    }

    /// `video_register_device(vdev, VFL_TYPE_VIDEO, -1)`: publishes `/dev/videoN`, takes a
    /// reference on `v4l2`, arranges `video_unregister_device` at the provider's unbind.
    /// `release` is `vdev->release`, run once after the last close.
    ///
    /// - Throws: `DriverCoreError.registrationFailed` (ENFILE, EBUSY, ENOMEM); nothing stays
    ///   registered then.
    @discardableResult
    public func registerVideoDevice(_ v4l2: V4L2Device, operations: any VideoDeviceOps, provider: borrowing BoundDevice,
                                    fileID: StaticString = #fileID, line: UInt = #line,
                                    release: (@Sendable () -> Void)? = nil) throws(DriverCoreError) -> VideoDevice {
        let parent = provider.device
        let protection: Protection = design == .fence ? .revocable : .legacyUnfenced
        return try videos.register(provider: provider, action: "video_unregister_device", fileID: fileID, line: line,
                                   make: { [namespace] (number) throws(FileError) in
            do { try v4l2.get(fileID: fileID, line: line) } catch { throw FileError.noDevice(v4l2.name) }
            let vdev = VideoDevice(number: number, v4l2: v4l2)
            let ops = VideoFileOps(vdev: vdev, driver: operations, busInfo: "platform:\(parent.name)")
            do throws(FileError) {
                // v4l2_device_release: vdev->release, then v4l2_device_put.
                let cdev = try CharDevice.prepare(name: vdev.name, parent: parent, namespace: namespace, operations: ops,
                                                  protection: protection, fileID: fileID, line: line) {
                    vdev.released()
                    release?()
                    try? v4l2.put(fileID: fileID, line: line)
                }
                vdev.attach(cdev)
            } catch {
                try? v4l2.put(fileID: fileID, line: line)
                throw error
            }
            return (vdev, [vdev.cdev].compactMap { $0 })
        }, remove: { [self] vdev in
            unregisterVideoDevice(vdev, fileID: fileID, line: line)
        })
    }

    /// `video_unregister_device`: clears the registered bit (new calls are refused), then the
    /// node goes; with ``V4L2CallDesign/fence`` this waits for the calls in flight. Idempotent;
    /// never waits for user space.
    public func unregisterVideoDevice(_ vdev: VideoDevice, fileID: StaticString = #fileID, line: UInt = #line) {
        guard vdev.clearRegistered() else { return }
        videos.remove(vdev, fileID: fileID, line: line) {
            vdev.cdev?.unregister(fileID: fileID, line: line)
        }
    }

    /// `media_device_register` → `media_devnode_register`: `/dev/mediaN`, removed at the
    /// provider's unbind (`media_devnode_unregister`), freed after the last close.
    @discardableResult
    public func registerMediaDevnode(model: String, driverName: String, provider: borrowing BoundDevice,
                                     fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> MediaDevnode {
        let parent = provider.device
        return try medias.register(provider: provider, action: "media_devnode_unregister", fileID: fileID, line: line,
                                   make: { [namespace] (minor) throws(FileError) in
            let devnode = MediaDevnode(minor: minor, model: model, driverName: driverName)
            let cdev = try CharDevice.prepare(name: devnode.name, parent: parent, namespace: namespace,
                                              operations: MediaDevnodeOps(devnode: devnode), fileID: fileID, line: line) {
                devnode.released()
            }
            devnode.attach(cdev)
            return (devnode, [cdev])
        }, remove: { [medias] devnode in
            medias.remove(devnode, fileID: fileID, line: line) { devnode.cdev?.unregister(fileID: fileID, line: line) }
        })
    }
}

extension Errno {
    /// "Too many open files in system": what `video_register_device` and
    /// `media_devnode_register` return when their 256 minors are taken.
    public static let ENFILE = Errno(rawValue: 23)
}
