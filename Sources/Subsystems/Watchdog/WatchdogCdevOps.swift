import CharDev
import DriverCore
import Instrumentation

/// The file operations of `/dev/watchdogN` and `/dev/watchdog`, after
/// `watchdog_open/write/ioctl/release` in drivers/watchdog/watchdog_dev.c. Runs only inside
/// the node's fence (the helper guarantees it), so it may use the driver's ops and the
/// bound-scope ``WatchdogDeviceState`` without any check of its own.
final class WatchdogCdevOps: FileOperations {
    let core: WatchdogCoreData
    let ops: any WatchdogOps
    let wdd: ModelMemory<WatchdogDeviceState>
    let events: EventStream

    init(core: WatchdogCoreData, ops: any WatchdogOps, wdd: ModelMemory<WatchdogDeviceState>, events: EventStream) {
        self.core = core
        self.ops = ops
        self.wdd = wdd
        self.events = events
    }

    /// The driver's module: CharDev pins it for every open file (chrdev_open's `cdev_get`).
    var owner: Module? { ops.owner }

    /// Single open (EBUSY otherwise); opening starts the watchdog.
    func open(_ file: FileContext) throws(FileError) -> (any Sendable)? {
        let first = core.status.withLock { s -> Bool in defer { s.open = true }; return !s.open }
        guard first else { throw FileError(.EBUSY, "\(file.node): watchdog is already open") }
        do {
            try start()
        } catch {
            core.status.withLock { $0.open = false }
            throw error
        }
        return nil
    }

    /// Any non-empty write is a keep-alive; a 'V' anywhere in it arms magic close, and a
    /// write without one disarms it ("just in case someone wrote the magic character five
    /// months ago", watchdog_write).
    func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
        guard !data.isEmpty else { return 0 }
        let magic = data.contains(UInt8(ascii: "V"))
        core.status.withLock { $0.allowRelease = magic }
        try ping()
        return data.count
    }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        switch request {
        case is WdiocGetSupport:
            return ops.info
        case is WdiocGetStatus:
            return core.status.withLock { s -> WatchdogOptions in
                var bits: WatchdogOptions = []
                if s.allowRelease { bits.insert(.magicClose) }
                if s.keepalive { bits.insert(.keepalivePing) }
                s.keepalive = false
                return bits
            }
        case is WdiocKeepalive:
            guard ops.info.options.contains(.keepalivePing) else {
                throw FileError(.EOPNOTSUPP, "WDIOC_KEEPALIVE on \(file.node): not supported")
            }
            try ping()
            return ()
        case let r as WdiocSetTimeout:
            return try setTimeout(r.seconds, node: file.node)
        case is WdiocGetTimeout:
            return try state().timeout
        default:
            throw FileError(.ENOTTY, "\(type(of: request).name) on \(file.node)")
        }
    }

    /// Watchdogs are not pollable: readiness is always "writable".
    func poll(_ file: FileContext) -> PollEvents { [.out] }

    /// Close while bound: stop only if magic close was armed (or the driver has no magic
    /// close), and never with nowayout; a watchdog that is not stopped is pinged once and
    /// keeps running ("watchdog did not stop!").
    func release(_ file: FileContext) {
        let armed = core.status.withLock { s -> Bool in defer { s.allowRelease = false }; return s.allowRelease }
        let wantsStop = armed || !ops.info.options.contains(.magicClose)
        let stopped = wantsStop && ((try? stop()) == true)
        if !stopped, (try? state().active) == true {
            events.emit(.warning, object: core.cdev?.device.id ?? ObjectID.next(), name: core.name,
                        detail: "watchdog did not stop!", site: .model)
            try? ping()
        }
        core.status.withLock { $0.open = false }
    }

    // MARK: watchdog_start / _stop / _ping / _set_timeout

    private func state() throws(FileError) -> WatchdogDeviceState {
        do { return try wdd.get() } catch { throw FileError(.EIO, "\(core.name): \(error)") }
    }

    private func update(_ body: (inout WatchdogDeviceState) -> Void) throws(FileError) {
        do { try wdd.write(body) } catch { throw FileError(.EIO, "\(core.name): \(error)") }
    }

    private func start() throws(FileError) {
        let s = try state()
        guard !s.active else { return try ping() }
        try ops.start(timeout: s.timeout)
        try update { $0.active = true }
        core.status.withLock { $0.keepalive = true }
    }

    /// True if stopped (or not running); false when nowayout forbids it.
    func stop() throws(FileError) -> Bool {
        let s = try state()
        guard s.active else { return true }
        guard !s.nowayout else { return false }
        try ops.stop()
        try update { $0.active = false }
        return true
    }

    private func ping() throws(FileError) {
        guard try state().active else { return }
        core.status.withLock { $0.keepalive = true }
        try ops.ping()
    }

    private func setTimeout(_ seconds: Int, node: String) throws(FileError) -> Int {
        guard ops.info.options.contains(.setTimeout) else {
            throw FileError(.EOPNOTSUPP, "WDIOC_SETTIMEOUT on \(node): not supported")
        }
        let s = try state()
        guard seconds >= s.minTimeout, seconds <= s.maxTimeout else {
            throw FileError(.EINVAL, "WDIOC_SETTIMEOUT on \(node): \(seconds) s outside \(s.minTimeout)...\(s.maxTimeout)")
        }
        let actual = try ops.setTimeout(seconds)
        try update { $0.timeout = actual }
        try ping()
        return actual
    }
}
