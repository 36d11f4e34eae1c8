#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A worker's reusable read buffer: the prefilter reads all of drivers/ (1 GB in 31,000
/// files), and `pread` into one buffer per worker costs a third less kernel time than
/// mapping each file (no page-table setup, no TLB shootdown at `munmap` on the other
/// worker's core), with no fresh pages once the buffer has grown.
///
/// Cost: one allocation that grows to the largest file read through it, up to
/// `maxBuffered`; larger files are mapped instead (`SourceFiles.withContents`).
/// Threading: confined to one worker; not `Sendable`.
final class ReadBuffer {
    /// Generated register headers reach 24 MB: a buffer kept that large per worker would
    /// outweigh what it saves, so files past this size are mapped.
    static let maxBuffered = 4 << 20

    private var base: UnsafeMutableRawPointer
    private var capacity: Int

    init() {
        capacity = 256 << 10
        base = .allocate(byteCount: capacity, alignment: 64)
    }

    deinit { base.deallocate() }

    /// Reads `size` bytes of `fd` from offset 0 and calls `body` with them, or returns nil
    /// on a read error. A file that shrank since `fstat` yields the bytes that remain.
    func read<T>(_ fd: Int32, size: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
        if size > capacity {
            base.deallocate()
            capacity = max(size, capacity * 2)
            base = .allocate(byteCount: capacity, alignment: 64)
        }
        var got = 0
        while got < size {
            let r = pread(fd, base + got, size - got, off_t(got))
            if r < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if r == 0 { break }
            got += r
        }
        return body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: got))
    }
}
