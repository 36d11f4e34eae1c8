import CharDev
import DriverCore
import Instrumentation

/// The UIO core before `57c5f4df0a5a` (drivers/uio/uio.c, classes P2/P4), as a legacy subsystem: the core's
/// `struct uio_device` — refcounted, behind `/dev/uioN`, alive while a program holds it open —
/// keeps `info`, a pointer to the driver's `struct uio_info`, and the file operations follow
/// it with no check. The driver's `uio_info` is bound-scope memory (devres here), so after
/// `uio_unregister_device()` at unbind an open file's next call reads freed memory. The fix
/// (`fixed: true`): an `info_lock` mutex; unregister sets `info` to NULL under it; every file
/// operation takes it and fails the call once `info` is gone. tpm's `4e26195f240d` is the
/// same repair with an rwsem around `chip->ops` and `tpm_try_get_ops()`. Teaching material only.
final class LegacyUioDriver: DeviceDriver {
    let name = "legacy-uio"
    let idTable = ["legacy-uio"]
    let namespace: DevNamespace
    let fixed: Bool

    init(namespace: DevNamespace, fixed: Bool) {
        self.namespace = namespace
        self.fixed = fixed
    }

    /// The driver's `struct uio_info`: what the file operations read.
    struct UioInfo: Sendable {
        var name = "uio-sim"
        var irqCount: UInt32 = 0
    }

    /// The core's `struct uio_device`.
    final class UioDevice: Sendable {
        let infoLock: ModelLock
        let info: Locked<ModelMemory<UioInfo>?>
        init(info: ModelMemory<UioInfo>, events: EventStream) {
            infoLock = ModelLock(class: "uio_device.info_lock", name: "uio0.info_lock", events: events)
            self.info = Locked(info)
        }
    }

    final class Ops: FileOperations {
        let idev: UioDevice
        let fixed: Bool
        init(idev: UioDevice, fixed: Bool) {
            self.idev = idev
            self.fixed = fixed
        }

        /// `uio_read`: the event count, from the driver's info.
        func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
            let count: UInt32
            if fixed {
                count = try idev.infoLock.withLock { () throws(FileError) -> UInt32 in
                    guard let info = idev.info.withLock({ $0 }) else { throw FileError(.ENODEV, "uio0: info gone") }
                    do { return try info.get().irqCount } catch { throw FileError(.EIO, "\(error)") }
                }
            } else {
                // idev->info->…: still pointing at the unbound driver's memory.
                guard let info = idev.info.withLock({ $0 }) else { throw FileError(.ENODEV, "uio0: no info") }
                do { count = try info.get().irqCount } catch { throw FileError(.EIO, "\(error)") }
            }
            return withUnsafeBytes(of: count.littleEndian) { Array($0) }
        }
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let (namespace, fixed) = (self.namespace, self.fixed)
        try ProbeError.mapping {
            let info = try device.devres.alloc(UioInfo(), name: "devm_kzalloc(uio_info)")
            let idev = UioDevice(info: info, events: device.device.kernel.events)
            // The core does its own checking (or not): no fence from the helper.
            let cdev = try CharDevice.register(name: "uio0", parent: device.device, namespace: namespace,
                                               operations: Ops(idev: idev, fixed: fixed), protection: .legacyUnchecked)
            try device.devres.addActionOrReset(ActionKey("uio_unregister_device", data: cdev)) {
                if fixed { idev.infoLock.withLock { idev.info.withLock { $0 = nil } } }
                cdev.unregister()
            }
        }
    }
}
