import CharDev
import DriverCore
import Instrumentation
import SimHardware
import Subsystems

/// The MMC core's documented lifetime rules as cases. The kernel's own MMC tests
/// (drivers/mmc/core/mmc_test.c) exercise cards, not lifetimes, and there is no KUnit suite,
/// so the cases are named after the functions whose behaviour they pin: drivers/mmc/core/
/// host.c's `mmc_remove_host`/`mmc_free_host` (the class device's release frees the host) and
/// drivers/mmc/core/block.c's `mmc_blk_get`/`mmc_blk_put` (an open disk pins its data).
enum MMCSuites {
    /// A platform bus with an `sdhci-sim` host `sdhci.0` and its disk `/dev/mmcblk0`.
    static func hostBoard() throws -> (SimBoard, MMCCore, Device) {
        let board = try SimBoard()
        let mmc = MMCCore(namespace: board.dev)
        try board.kernel.registerDriver(SDHCISimDriver(mmc: mmc), on: board.platform)
        let controller = board.platformDevice("sdhci.0", compatible: ["sdhci-sim"])
        try board.kernel.register(controller)
        return (board, mmc, controller)
    }

    static let errno = RevocableAndCdevSuites.errno

    static let cases: [ConformanceCase] = [
        ConformanceCase(suite: "mmc-host", name: "mmc_free_host: the host is freed at the class device's last put") {
            let (board, mmc, controller) = try hostBoard()
            let host = mmc.hosts[0]
            try board.kernel.unbind(controller)
            try check(host.isFreed, "no file open, yet the host outlived mmc_remove_host + mmc_free_host")
        },
        ConformanceCase(suite: "mmc-host", name: "mmc_blk_get: an open disk pins card and host past the removal") {
            let (board, mmc, controller) = try hostBoard()
            let host = mmc.hosts[0]
            let disk = try board.dev.open("/dev/mmcblk0")
            try board.kernel.unbind(controller)
            try check(!host.isFreed, "the host was freed under an open disk")
            try disk.close()
            try check(host.isFreed, "mmc_blk_put did not free the host")
        },
        ConformanceCase(suite: "mmcblk-uaf", name: "removed disk: read/write EIO, MMC_IOC_CMD ENODEV, no new open") {
            let (board, _, controller) = try hostBoard()
            let disk = try board.dev.open("/dev/mmcblk0")
            try board.kernel.unbind(controller)
            try check(errno { () throws(FileError) in _ = try disk.read() } == .EIO, "read did not give EIO")
            try check(errno { () throws(FileError) in _ = try disk.write([1]) } == .EIO, "write did not give EIO")
            try check(errno { () throws(FileError) in _ = try disk.ioctl(MmcIocSendStatus()) } == .ENODEV,
                      "MMC_IOC_CMD did not give ENODEV")
            try check(errno { () throws(FileError) in _ = try board.dev.open("/dev/mmcblk0") } == .ENOENT, "the node survived")
            try disk.close()
        },
    ]
}
