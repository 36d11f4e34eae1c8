import CharDev
import DriverCore
import Instrumentation

/// A tty port (`struct tty_port`, drivers/tty/tty_port.c): the subsystem-owned, refcounted
/// object a tty driver registers, with the input buffer and the per-open ttys it serves.
///
/// **Its own refcount.** `tty_port_init` starts it at one (the registration's); the node's
/// device and a serdev controller each hold one more while they exist, so the port outlives
/// every open file (a tty keeps `tty->port` until `release_tty`) and every serdev client. The
/// last ``put(fileID:line:)`` runs the destructor (`tty_port_destructor`: the buffers go, then
/// `port->ops->destruct` or `kfree`) exactly once. The driver owns nothing of it: what the
/// kernel's drivers embed in their own memory (and must then free from `destruct`, the
/// pattern the 8ee3fde047 revert and many usb-serial fixes are about) is the subsystem's here.
///
/// **Hangup.** ``hangup(fileID:line:)`` is `tty_port_tty_hangup`: every tty open on the port
/// right now is hung up (reads see end of file, writes and ioctls EIO, poll HUP, as
/// `hung_up_tty_fops` answer); later opens are fresh ttys. Unregistration hangs up first and
/// then revokes, so the answers stay the same once the driver is gone (`GoneReplies.hungUp`).
///
/// Thread-safe; one lock per receive, read and hangup.
public final class TTYPort: Sendable, CustomStringConvertible {
    /// The line's name (`ttyS0`): the node's, or the port's when a serdev controller claimed it.
    public let name: String
    /// The line number within its driver (`tty->index`).
    public let index: Int
    /// The port's refcount (`port->kref`): a device object (on no bus), so the sanitizer
    /// follows its gets and puts as it follows any device's. It is added while the port is
    /// registered and deleted at its unregistration, so a reference still held once it is
    /// deleted and every file closed is a leak the end-of-run check reports.
    public let kref: Device
    private let state = Locked(State())
    private let destructed = Locked(false)

    struct State {
        /// The flip buffer: what the driver received and no reader took yet.
        var input: [UInt8] = []
        /// `port->count`: opens (ttys and serdev) of the port.
        var opens = 0
        /// The ttys open now, hung up together by a hangup.
        var ttys: [TTYStruct] = []
        /// Who to tell that bytes arrived: the node (wakes readers) and a serdev client.
        var wake: (@Sendable () -> Void)?
        var client: (@Sendable ([UInt8]) -> Void)?
    }

    init(name: String, index: Int, kernel: Kernel) {
        self.name = name
        self.index = index
        let destructed = self.destructed
        // tty_port_init: kref_init. The release is tty_port_destructor.
        kref = Device(kernel: kernel, name: "\(name)-port") { _ in destructed.withLock { $0 = true } }
    }

    /// Adds the port's object (registration); on failure the caller still owns its reference.
    func add(fileID: StaticString, line: UInt) throws(FileError) {
        do { try kref.kernel.add(kref, fileID: fileID, line: line) } catch { throw FileError(error.errno, "\(error)") }
    }

    /// Deletes the port's object (unregistration); references held go on until their puts.
    func delete(fileID: StaticString, line: UInt) {
        if kref.state.isPresent { try? kref.kernel.delete(kref, fileID: fileID, line: line) }
    }

    public var description: String { name }

    /// True once the last reference was dropped and the destructor ran.
    public var isDestroyed: Bool { destructed.withLock { $0 } }

    /// Bytes waiting in the input buffer.
    public var pendingInput: Int { state.withLock { $0.input.count } }

    /// `tty_port_get`: fails (ENODEV) once the port is destroyed.
    public func get(fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) {
        do { try kref.get(fileID: fileID, line: line) } catch { throw FileError.noDevice("tty port \(name)") }
    }

    /// `tty_port_put`: the last put runs the destructor.
    public func put(fileID: StaticString = #fileID, line: UInt = #line) {
        try? kref.put(fileID: fileID, line: line)
    }

    /// `tty_insert_flip_string` + `tty_flip_buffer_push`: the driver received `data`. It goes
    /// to the serdev client when one has the port open, else to the buffer readers take from.
    public func receive(_ data: [UInt8]) {
        guard !data.isEmpty else { return }
        let (client, wake) = state.withLock { s -> ((@Sendable ([UInt8]) -> Void)?, (@Sendable () -> Void)?) in
            if let client = s.client { return (client, nil) }
            s.input.append(contentsOf: data)
            return (nil, s.wake)
        }
        client?(data)
        wake?()
    }

    /// `tty_port_tty_hangup`: hangs up every tty open on the port now and wakes their sleepers.
    public func hangup(fileID: StaticString = #fileID, line: UInt = #line) {
        let (ttys, wake) = state.withLock { s in (s.ttys, s.wake) }
        for tty in ttys { tty.hangUp() }
        wake?()
    }

    // MARK: The tty layer's side (called inside the fence)

    /// Counts an open; true for the first (the port must be activated).
    func opened(_ tty: TTYStruct?) -> Bool {
        state.withLock { s in
            s.opens += 1
            if let tty { s.ttys.append(tty) }
            return s.opens == 1
        }
    }

    /// Counts a close; true for the last (the port must be shut down).
    func closed(_ tty: TTYStruct?) -> Bool {
        state.withLock { s in
            s.opens -= 1
            if let tty { s.ttys.removeAll { $0 === tty } }
            return s.opens == 0
        }
    }

    func take(_ maxBytes: Int) -> [UInt8] {
        state.withLock { s in
            let out = Array(s.input.prefix(max(maxBytes, 0)))
            s.input.removeFirst(out.count)
            return out
        }
    }

    func setWake(_ wake: (@Sendable () -> Void)?) { state.withLock { $0.wake = wake } }
    func setClient(_ client: (@Sendable ([UInt8]) -> Void)?) { state.withLock { $0.client = client } }
}

/// One open of a tty (`struct tty_struct`, one per open here): whether it was hung up. The
/// port it serves outlives it (the node's device holds the port, every open file the node's
/// device). Object lifetime: it belongs to the open file, never to the driver.
final class TTYStruct: Sendable {
    private let hungUp = Locked(false)
    var isHungUp: Bool { hungUp.withLock { $0 } }
    func hangUp() { hungUp.withLock { $0 = true } }
}
