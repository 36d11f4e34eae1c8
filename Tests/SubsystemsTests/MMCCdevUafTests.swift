import Testing
import CharDev
import DriverCore
import Instrumentation
import SimHardware
@testable import Subsystems

/// gpio-cdev-uaf (tools/testing/selftests/gpio) for an MMC disk: the host's driver unbinds
/// (`mmc_remove_host`) with /dev/mmcblk0 open. The answers are the block layer's for a removed
/// disk (drivers/mmc/core/block.c, `del_gendisk`), and the host is freed at the last close.
@Suite("mmcblk-uaf") struct MMCCdevUafTests {
    @Test("open → unbind → read/write EIO, MMC_IOC_CMD ENODEV, poll default, close frees the host")
    func unbindWithDiskOpen() throws {
        let f = try MMCFixture()
        let disk = try f.dev.open("/dev/mmcblk0")
        #expect(try disk.write(Array("hi".utf8)) == 2)
        #expect(try disk.ioctl(BlkGetSize64()) == 4 * 512)
        #expect(try disk.ioctl(MmcIocSendStatus()) == MMCCard.statusReadyForData | MMCCard.statusTransfer)
        let host = f.host
        try f.kernel.unbind(f.controller)               // returns although the disk is open
        #expect(f.dev.paths.isEmpty && !host.isAlive)
        #expect(throws: FileError(.EIO, "")) { try disk.read() }
        #expect(throws: FileError(.EIO, "")) { try disk.write([1]) }
        #expect(throws: FileError(.ENODEV, "")) { try disk.ioctl(MmcIocSendStatus()) }
        #expect(disk.poll([.in, .out]) == [.in, .out])
        #expect(!host.isFreed)                          // the open disk holds card and host
        try disk.close()
        #expect(host.isFreed)
        #expect(throws: FileError(.EBADF, "")) { try disk.close() }
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("the data written is read back at the position; the end of the disk reads empty")
    func readWrite() throws {
        let f = try MMCFixture()
        let writer = try f.dev.open("/dev/mmcblk0")
        #expect(try writer.write([7, 8, 9]) == 3)
        let reader = try f.dev.open("/dev/mmcblk0")
        #expect(try reader.read(maxBytes: 3) == [7, 8, 9])
        try writer.close()
        try reader.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("a rebind is a new host, a new card and a new disk; the old file stays dead")
    func rebind() throws {
        let f = try MMCFixture()
        let old = try f.dev.open("/dev/mmcblk0")
        let first = f.host
        try f.kernel.unbind(f.controller)
        try f.kernel.bind(f.controller, to: SDHCISimDriver.driverName)
        #expect(f.host !== first && f.host.index == 0)
        #expect(throws: FileError(.EIO, "")) { try old.read() }
        let fresh = try f.dev.open("/dev/mmcblk0")
        #expect(try fresh.ioctl(BlkGetSize64()) == 2048)
        try old.close()
        try fresh.close()
        #expect(first.isFreed && !f.host.isFreed)
        #expect(f.useAfterFree.isEmpty)
    }
}
