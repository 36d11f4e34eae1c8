import CharDev
import DriverCore
import Instrumentation

// User space's handle on net devices: a socket. It names a device per call (an ifreq's name
// for SIOC*IFFLAGS, a bound ifindex for a packet send) and holds no reference on it between
// calls, so unregister never waits for a program that keeps a socket open.

/// SIOCGIFFLAGS (net/core/dev_ioctl.c): the interface flags of `ifname`; ENODEV if no such
/// device is listed.
public struct SiocGIFFlags: IoctlRequest {
    public typealias Reply = NetFlags
    public static let name = "SIOCGIFFLAGS"
    public let ifname: String
    public init(ifname: String) { self.ifname = ifname }
}

/// SIOCSIFFLAGS: brings `ifname` up (`dev_open` → `ndo_open`) or down (`dev_close` →
/// `ndo_stop`) under rtnl; ENODEV if no such device is listed.
public struct SiocSIFFlags: IoctlRequest {
    public typealias Reply = Void
    public static let name = "SIOCSIFFLAGS"
    public let ifname: String
    public let up: Bool
    public init(ifname: String, up: Bool) {
        self.ifname = ifname
        self.up = up
    }
}

/// SIOCGIFINDEX: the ifindex of `ifname`.
public struct SiocGIFIndex: IoctlRequest {
    public typealias Reply = Int
    public static let name = "SIOCGIFINDEX"
    public let ifname: String
    public init(ifname: String) { self.ifname = ifname }
}

/// A socket's own state (`struct packet_sock`'s bound ifindex): core memory, never driver's.
struct NetSocketState: Sendable {
    let boundIfindex: Int?
}

/// The socket layer's operations (sockfs): core code behind the sockets' fence, which is never
/// revoked. Every call into a driver goes through that net device's own fence.
final class NetSocketOps: FileOperations {
    let core: NetCore
    init(core: NetCore) { self.core = core }

    func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
        switch request {
        case let r as SiocGIFFlags:
            return try core.lookup(r.ifname) { $0.flags }
        case let r as SiocGIFIndex:
            return try core.lookup(r.ifname) { $0.ifindex }
        case let r as SiocSIFFlags:
            try core.changeFlags(r.ifname, up: r.up)
            return ()
        default:
            throw FileError(.ENOTTY, "\(type(of: request).name) on a socket")
        }
    }

    /// A send on a packet socket bound to an interface (af_packet.c `packet_snd`).
    func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
        let ifindex = file.privateData(as: NetSocketState.self)?.boundIfindex ?? 0
        try core.transmit(data, ifindex: ifindex)
        return data.count
    }

    /// POLLOUT while the bound device is listed; POLLERR once it is gone (packet_notifier
    /// sets `sk_err` at NETDEV_UNREGISTER).
    func poll(_ file: FileContext) -> PollEvents {
        guard let ifindex = file.privateData(as: NetSocketState.self)?.boundIfindex else { return [.out] }
        return core.registry.objects.contains { $0.ifindex == ifindex } ? [.out] : [.out, .err]
    }
}
