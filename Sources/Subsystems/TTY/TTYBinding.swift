import CharDev
import DriverCore
import Instrumentation

/// The bound-scope side of a port: the driver's ``TTYPortOperations`` under the tty layer's
/// file operations (drivers/tty/tty_io.c, n_tty reduced to a byte queue) and serdev's
/// controller operations (drivers/tty/serdev/serdev-ttyport.c). Every method runs inside the
/// port's fence (CharDev's helper for files, ``SerdevDevice`` for the in-kernel client), so
/// none reaches the driver after its unbind finished.
final class TTYBinding: FileOperations {
    let ops: any TTYPortOperations
    let port: TTYPort

    init(ops: any TTYPortOperations, port: TTYPort) {
        self.ops = ops
        self.port = port
    }

    private func tty(_ file: FileContext) -> TTYStruct? { file.privateData(as: TTYStruct.self) }

    /// `tty_open` → `tty_port_open`: a tty for this open; the first open activates the port.
    func open(_ file: FileContext) throws(FileError) -> (any Sendable)? {
        let tty = TTYStruct()
        if port.opened(tty) {
            do { try ops.activate() } catch {
                _ = port.closed(tty)
                throw error
            }
        }
        return tty
    }

    /// `tty_read` (n_tty): what the port buffered, or nil to sleep; end of file once hung up.
    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        if tty(file)?.isHungUp ?? false { return [] }
        let data = port.take(maxBytes)
        return data.isEmpty ? nil : data
    }

    /// `tty_write`: EIO once hung up, else the driver's write.
    func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
        if tty(file)?.isHungUp ?? false { throw FileError(.EIO, "write on \(file.node): hung up") }
        return try ops.write(data, port: port)
    }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        if tty(file)?.isHungUp ?? false { throw FileError(.EIO, "\(type(of: request).name) on \(file.node): hung up") }
        switch request {
        case is TiocmGet: return try ops.modemLines()
        case is TiocInq: return port.pendingInput
        default: throw FileError(.ENOTTY, "\(type(of: request).name) on \(file.node)")
        }
    }

    /// `tty_poll`: a hung-up tty is readable, writable, in error and hung up.
    func poll(_ file: FileContext) -> PollEvents {
        if tty(file)?.isHungUp ?? false { return GoneReplies.hungUp.poll }
        return port.pendingInput > 0 ? [.in, .out] : [.out]
    }

    /// `tty_release` → `tty_port_close`: the last close shuts the port down.
    func release(_ file: FileContext) {
        if port.closed(tty(file)) { ops.shutdown() }
    }

    // MARK: serdev-ttyport (ttyport_open, _write_buf, _close)

    func serdevOpen(receive: @escaping @Sendable ([UInt8]) -> Void) throws(FileError) {
        port.setClient(receive)
        if port.opened(nil) {
            do { try ops.activate() } catch {
                _ = port.closed(nil)
                port.setClient(nil)
                throw error
            }
        }
    }

    func serdevWrite(_ data: [UInt8]) throws(FileError) -> Int { try ops.write(data, port: port) }

    func serdevClose() {
        port.setClient(nil)
        if port.closed(nil) { ops.shutdown() }
    }
}
