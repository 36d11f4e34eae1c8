import CharDev

// The watchdog uAPI (include/uapi/linux/watchdog.h) as typed ioctl requests.

/// WDIOC_GETSUPPORT: the driver's ``WatchdogInfo``.
public struct WdiocGetSupport: IoctlRequest {
    public typealias Reply = WatchdogInfo
    public static let name = "WDIOC_GETSUPPORT"
    public init() {}
}

/// WDIOC_GETSTATUS: `.magicClose` if a 'V' is pending, `.keepalivePing` if a keep-alive
/// arrived since the last GETSTATUS (the bit is cleared by reading it).
public struct WdiocGetStatus: IoctlRequest {
    public typealias Reply = WatchdogOptions
    public static let name = "WDIOC_GETSTATUS"
    public init() {}
}

/// WDIOC_KEEPALIVE: a keep-alive ping. EOPNOTSUPP without WDIOF_KEEPALIVEPING.
public struct WdiocKeepalive: IoctlRequest {
    public typealias Reply = Void
    public static let name = "WDIOC_KEEPALIVE"
    public init() {}
}

/// WDIOC_SETTIMEOUT: sets the timeout (EINVAL outside the driver's bounds, EOPNOTSUPP if
/// unsupported), pings, and replies with the timeout now in effect.
public struct WdiocSetTimeout: IoctlRequest {
    public typealias Reply = Int
    public static let name = "WDIOC_SETTIMEOUT"
    public let seconds: Int
    public init(_ seconds: Int) { self.seconds = seconds }
}

/// WDIOC_GETTIMEOUT: the timeout in seconds.
public struct WdiocGetTimeout: IoctlRequest {
    public typealias Reply = Int
    public static let name = "WDIOC_GETTIMEOUT"
    public init() {}
}
