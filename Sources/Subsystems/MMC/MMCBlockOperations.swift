import CharDev
import DriverCore
import Instrumentation

/// The private state of an open `/dev/mmcblk<N>`: the file position, in bytes.
final class MMCBlockFile: Sendable {
    let position = Locked(0)
}

/// The bound-scope side of a disk: mmc_blk's file operations (drivers/mmc/core/block.c, block
/// I/O reduced to reads and writes at the file position) on top of the host driver's
/// operations. Every method runs inside the disk's fence.
final class MMCBlockOperations: FileOperations {
    static let blockSize = 512
    let ops: any MMCHostOperations

    init(ops: any MMCHostOperations) { self.ops = ops }

    func open(_ file: FileContext) throws(FileError) -> (any Sendable)? { MMCBlockFile() }

    private func position(_ file: FileContext) -> Locked<Int>? { file.privateData(as: MMCBlockFile.self)?.position }

    /// Up to `maxBytes` from the position, within one block; empty at the end of the disk.
    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        guard let position = position(file) else { return [] }
        let at = position.withLock { $0 }
        let block = at / Self.blockSize
        guard block < ops.blocks, maxBytes > 0 else { return [] }
        let data = try ops.readBlock(block)
        let offset = at % Self.blockSize
        let out = Array(data[offset..<min(data.count, offset + maxBytes)])
        position.withLock { $0 = at + out.count }
        return out
    }

    /// Writes within the block at the position (read-modify-write); ENOSPC at the end.
    func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
        guard let position = position(file) else { return 0 }
        let at = position.withLock { $0 }
        let block = at / Self.blockSize
        guard block < ops.blocks else { throw FileError(.ENOSPC, "write on \(file.node): end of the disk") }
        var contents = try ops.readBlock(block)
        let offset = at % Self.blockSize
        let count = min(data.count, Self.blockSize - offset)
        contents.replaceSubrange(offset..<offset + count, with: data.prefix(count))
        try ops.writeBlock(block, contents)
        position.withLock { $0 = at + count }
        return count
    }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        switch request {
        case is MmcIocSendStatus: return try ops.sendStatus()
        case is BlkGetSize64: return ops.blocks * Self.blockSize
        default: throw FileError(.ENOTTY, "\(type(of: request).name) on \(file.node)")
        }
    }

    /// Block devices have no poll: the VFS default.
    func poll(_ file: FileContext) -> PollEvents { [.in, .out] }
}
