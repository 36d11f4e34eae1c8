import CharDev
import DriverCore
import Instrumentation

/// What a tty driver provides for one port: the bound-scope part of `struct tty_operations`
/// and `struct tty_port_operations` (drivers/tty/tty_port.c) together.
///
/// The tty layer calls these **only inside the port's fence** (its node's, or its serdev
/// controller's), so an implementation may keep its state in devres memory: once the
/// provider's unbind has revoked the fence, nothing calls it again. Received bytes go the
/// other way, from the driver into the port (``TTYPort/receive(_:)``), which the port owns.
public protocol TTYPortOperations: AnyObject, Sendable {
    /// `tty_port_operations.activate`: the first open of the port (power the UART up).
    func activate() throws(FileError)
    /// `tty_port_operations.shutdown`: the last close of the port.
    func shutdown()
    /// `tty_operations.write`: queues `data` for transmission on `port` (the kernel's driver
    /// finds its port through `tty->port`); returns the bytes taken.
    func write(_ data: [UInt8], port: TTYPort) throws(FileError) -> Int
    /// `tty_operations.tiocmget`: the modem-control lines (TIOCM_* bits).
    func modemLines() throws(FileError) -> Int
}

extension TTYPortOperations {
    public func activate() throws(FileError) {}
    public func shutdown() {}
    public func modemLines() throws(FileError) -> Int { 0 }
}

// The tty uAPI used here (include/uapi/asm-generic/ioctls.h, termios.h), as typed requests.

/// `TIOCMGET`: the modem-control lines.
public struct TiocmGet: IoctlRequest {
    public typealias Reply = Int
    public static let name = "TIOCMGET"
    public init() {}
}

/// `TIOCINQ` (`FIONREAD` on a tty): bytes waiting in the input buffer.
public struct TiocInq: IoctlRequest {
    public typealias Reply = Int
    public static let name = "TIOCINQ"
    public init() {}
}
