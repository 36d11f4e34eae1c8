import CharDev
import DriverCore
import Instrumentation

/// The `options` bits of `struct watchdog_info` (include/uapi/linux/watchdog.h) that the
/// model uses.
public struct WatchdogOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// WDIOF_SETTIMEOUT: WDIOC_SETTIMEOUT is supported.
    public static let setTimeout = WatchdogOptions(rawValue: 0x0080)
    /// WDIOF_MAGICCLOSE: close stops the watchdog only after a 'V' was written.
    public static let magicClose = WatchdogOptions(rawValue: 0x0100)
    /// WDIOF_KEEPALIVEPING: WDIOC_KEEPALIVE is supported; also the "keep-alive seen" bit of
    /// WDIOC_GETSTATUS.
    public static let keepalivePing = WatchdogOptions(rawValue: 0x8000)
}

/// `struct watchdog_info`, as WDIOC_GETSUPPORT returns it.
public struct WatchdogInfo: Sendable, Equatable {
    public let identity: String
    public let options: WatchdogOptions
    public init(identity: String, options: WatchdogOptions) {
        self.identity = identity
        self.options = options
    }
}

/// What a watchdog driver provides: the kernel's `struct watchdog_ops`.
///
/// Bound scope: the watchdog core calls these only inside the node's revocation fence (or
/// from the unregister path while the driver is still bound), so an implementation may keep
/// its state in devres memory — once the provider's unbind has revoked the fence, nothing
/// calls it again. Implementations must not block.
public protocol WatchdogOps: AnyObject, Sendable {
    var info: WatchdogInfo { get }
    /// Starts the hardware timer with `timeout` seconds.
    func start(timeout: Int) throws(FileError)
    /// Stops the hardware timer.
    func stop() throws(FileError)
    /// Restarts the countdown (a keep-alive).
    func ping() throws(FileError)
    /// Programs a new timeout; returns the timeout actually set (hardware may round).
    /// Called only when ``WatchdogOptions/setTimeout`` is in ``info``.
    func setTimeout(_ seconds: Int) throws(FileError) -> Int
    /// `ops->owner`: the driver's module, or nil when it is built in. The node's file
    /// operations name it as their owner (watchdog_cdev_register sets `cdev.owner` to it), so
    /// every open file pins it; watchdog_open's own `try_module_get` of it has the same span
    /// for a watchdog without WDOG_HW_RUNNING, so the model takes the one pin.
    var owner: Module? { get }
}

extension WatchdogOps {
    public var owner: Module? { nil }

    public func setTimeout(_ seconds: Int) throws(FileError) -> Int {
        throw FileError(.EOPNOTSUPP, "\(info.identity): set_timeout not supported")
    }
}

/// The registration parameters of a watchdog (the fields of `struct watchdog_device` a
/// driver fills in before `watchdog_register_device`).
public struct WatchdogConfig: Sendable {
    public var timeout: Int
    public var minTimeout: Int
    public var maxTimeout: Int
    /// WDOG_NO_WAY_OUT: once started, the watchdog can never be stopped from user space.
    public var nowayout: Bool
    /// WDOG_STOP_ON_UNREGISTER (`watchdog_stop_on_unregister()`): stop a running watchdog
    /// when it is unregistered; without it, it keeps running (and will expire).
    public var stopOnUnregister: Bool

    public init(timeout: Int = 30, minTimeout: Int = 1, maxTimeout: Int = 600,
                nowayout: Bool = false, stopOnUnregister: Bool = false) {
        self.timeout = timeout
        self.minTimeout = minTimeout
        self.maxTimeout = maxTimeout
        self.nowayout = nowayout
        self.stopOnUnregister = stopOnUnregister
    }
}
