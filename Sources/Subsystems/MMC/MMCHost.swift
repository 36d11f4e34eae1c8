import CharDev
import DriverCore
import Instrumentation

/// An MMC host (`struct mmc_host`, drivers/mmc/core/host.c) as the subsystem owns it: the class
/// device `mmc<N>` whose release frees the host, the card found in its slot, and the card's
/// block device `/dev/mmcblk<N>`.
///
/// **Lifetime.** The class device is refcounted (`mmc_alloc_host`'s `device_initialize`,
/// `mmc_free_host`'s `put_device`); the card holds its host (its parent), the block device its
/// card (`mmc_blk_data` holds `md->queue.card`, and every open of the disk holds the
/// `mmc_blk_data`: `mmc_blk_get` at open, `mmc_blk_put` at release). So the host lives until
/// the last open of its disk is closed, while the driver's data (``MMCHostOperations``) goes at
/// unbind, behind the disk's fence: a read on an open disk after removal is EIO, never a call
/// into the driver (`GoneReplies.removedDisk`).
public final class MMCHost: Sendable, CustomStringConvertible {
    /// `host->index` (mmc_host_ida).
    public let index: Int
    /// The class device (`host->class_dev`, `mmc<N>`): the host's refcount.
    public let classDevice: Device
    /// The card (`mmc<N>:0001`), a child of the class device.
    public let card: Device
    /// The card's block device (`mmcblk<N>`).
    public let disk: CharDevice
    private let freed: Locked<Bool>

    init(index: Int, classDevice: Device, card: Device, disk: CharDevice, freed: Locked<Bool>) {
        self.index = index
        self.classDevice = classDevice
        self.card = card
        self.disk = disk
        self.freed = freed
    }

    public var name: String { "mmc\(index)" }
    public var description: String { name }
    /// False once the host was removed (`mmc_remove_host`).
    public var isAlive: Bool { disk.isAlive }
    /// True once the class device's release ran: the host's memory is freed.
    public var isFreed: Bool { freed.withLock { $0 } }
}

/// The card in a host's slot (`struct mmc_card`): only its status bits matter here.
public enum MMCCard {
    /// R1 status: READY_FOR_DATA.
    public static let statusReadyForData: UInt32 = 1 << 8
    /// R1 status: CURRENT_STATE = TRAN (4).
    public static let statusTransfer: UInt32 = 4 << 9
    /// The card's address in its device name (`mmc0:0001`).
    public static let rca = "0001"
}
