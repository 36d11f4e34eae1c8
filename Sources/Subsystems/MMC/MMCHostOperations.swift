import CharDev
import DriverCore
import Instrumentation

/// What an MMC host driver provides (`struct mmc_host_ops`, the bound-scope part): block
/// transfers to the card in its slot and the card's status.
///
/// The core calls these **only inside the host's fence** (the block device's, or a kernel
/// caller's), so an implementation may keep its state — its registers, its DMA buffers, the
/// card's data in a simulation — in devres memory.
public protocol MMCHostOperations: AnyObject, Sendable {
    /// The card's capacity in 512-byte blocks.
    var blocks: Int { get }
    /// `mmc_wait_for_req` of a single-block read (CMD17).
    func readBlock(_ index: Int) throws(FileError) -> [UInt8]
    /// A single-block write (CMD24).
    func writeBlock(_ index: Int, _ data: [UInt8]) throws(FileError)
    /// CMD13 SEND_STATUS: the card status register.
    func sendStatus() throws(FileError) -> UInt32
}

extension MMCHostOperations {
    public func sendStatus() throws(FileError) -> UInt32 { MMCCard.statusReadyForData | MMCCard.statusTransfer }
}

// The mmcblk uAPI (include/uapi/linux/mmc/ioctl.h, include/uapi/linux/fs.h), as typed requests.

/// `MMC_IOC_CMD` with CMD13 (SEND_STATUS): the card status register.
public struct MmcIocSendStatus: IoctlRequest {
    public typealias Reply = UInt32
    public static let name = "MMC_IOC_CMD"
    public init() {}
}

/// `BLKGETSIZE64`: the disk's size in bytes.
public struct BlkGetSize64: IoctlRequest {
    public typealias Reply = Int
    public static let name = "BLKGETSIZE64"
    public init() {}
}

extension GoneReplies {
    /// A removed disk (drivers/mmc/core/block.c after `del_gendisk`): I/O fails with EIO (the
    /// dying queue ends every bio with BLK_STS_IOERR), an `MMC_IOC_CMD` with ENODEV (no request
    /// can enter a dying queue), and poll, which block devices do not implement, keeps its
    /// default IN|OUT.
    public static let removedDisk = GoneReplies(read: .error(.EIO), write: .EIO, ioctl: .ENODEV, poll: [.in, .out])
}
