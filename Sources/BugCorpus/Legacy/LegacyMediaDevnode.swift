import DriverCore
import Instrumentation

/// The media controller's device node before `5b28dde51d0c` (drivers/media/mc/media-devnode.c, classes P1/P7), as a
/// legacy driver: `struct media_devnode`, with its cdev embedded, lived inside the driver's
/// own memory — devres here — so unbinding the driver freed it while `/dev/media0` was still
/// open; when the application exited, its close ran `cdev_put` on the freed memory. The fix
/// (`devnodeInDevres: false`): the devnode is allocated on its own and freed by the cdev's
/// release, after the last close. (The media tree later replaced this with a refcounted media
/// device; ours is ``CharDev/CharDevice``, the subsystem-owned object.) Teaching material.
final class LegacyMediaDriver: DeviceDriver {
    let name = "legacy-media"
    let idTable = ["legacy-media"]
    let devnodeInDevres: Bool
    /// The registered node, for the program that opens it.
    let node = Locked<EmbeddedCdev?>(nil)

    init(devnodeInDevres: Bool) { self.devnodeInDevres = devnodeInDevres }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let kernel = device.device.kernel
        let (inDevres, node) = (devnodeInDevres, self.node)
        try ProbeError.mapping {
            let devnode: ModelMemory<Int> = inDevres
                ? try device.devres.alloc(1, name: "devm_kzalloc(media_devnode)")            // freed at unbind
                : ModelMemory(1, name: "media_devnode", events: kernel.events)               // freed by the release
            let cdev = EmbeddedCdev(container: devnode) {
                if !inDevres { try? devnode.free() }  // media_devnode_release
            }
            node.withLock { $0 = cdev }
            try device.devres.addActionOrReset(ActionKey("media_devnode_unregister", data: devnode)) {
                node.withLock { $0 = nil }
                cdev.put()  // cdev_del: the registration's reference
            }
        }
    }
}
