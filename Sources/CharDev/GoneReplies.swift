import Instrumentation

/// What the system calls on an open file return once its device is gone (unregistered, its
/// fence closed): ENODEV by default, or a subsystem's own answers.
///
/// The kernel has no single answer. Most subsystems check a "registered" flag and return
/// ENODEV (`video_is_registered`, gpiolib's `gdev->chip == NULL`); the tty layer instead
/// swaps a hung-up tty's file operations for `hung_up_tty_fops` (drivers/tty/tty_io.c
/// `__tty_hangup`): a read sees end of file, a write and an ioctl get EIO, and poll reports
/// the file readable, writable, in error and hung up, so a program blocked on it wakes and
/// finds out. The fence is the same either way — only the replies differ.
///
/// Value type; costs nothing until a call finds the device gone.
public struct GoneReplies: Sendable, Equatable {
    /// What a `read` returns on a gone device.
    public enum Read: Sendable, Equatable {
        /// Fails with this errno.
        case error(Errno)
        /// Returns zero bytes: end of file (`hung_up_tty_read`).
        case endOfFile
    }

    public var read: Read
    public var write: Errno
    public var ioctl: Errno
    /// The ready bits `poll` reports at once.
    public var poll: PollEvents

    public init(read: Read, write: Errno, ioctl: Errno, poll: PollEvents) {
        self.read = read
        self.write = write
        self.ioctl = ioctl
        self.poll = poll
    }

    /// Every call ENODEV, poll `POLLHUP|POLLERR`: the CharDev default.
    public static let noDevice = GoneReplies(read: .error(.ENODEV), write: .ENODEV, ioctl: .ENODEV, poll: [.hup, .err])

    /// A hung-up tty (drivers/tty/tty_io.c `hung_up_tty_read`, `_write`, `_poll`, `_ioctl`):
    /// read 0, write and ioctl EIO, poll `POLLIN|POLLOUT|POLLERR|POLLHUP`. (The kernel answers
    /// ENOTTY to TIOCSPGRP alone; the model has no job control.)
    public static let hungUp = GoneReplies(read: .endOfFile, write: .EIO, ioctl: .EIO, poll: [.in, .out, .err, .hup])

    /// The system call a reply is for.
    enum Call { case open, read, write, ioctl, poll }

    /// The errno a call fails with (a read that sees end of file does not fail: nil).
    func errno(_ call: Call) -> Errno? {
        switch call {
        case .open: .ENODEV
        case .read: if case .error(let e) = read { e } else { nil }
        case .write: write
        case .ioctl: ioctl
        case .poll: .ENODEV
        }
    }
}
