import CharDev
import DriverCore

/// What an ethernet driver provides: the kernel's `struct net_device_ops` (the three calls the
/// model follows: `ndo_open`, `ndo_stop`, `ndo_start_xmit`).
///
/// Bound scope: the net core calls these only inside the net device's revocation fence
/// (CharDev's helper), under its `rtnl` lock for open and stop, so an implementation may keep
/// its state in devres memory of the parent it probed — once the netdev is unregistered, or
/// its parent unbound, nothing calls it again. Implementations must not block.
public protocol NetDeviceOps: AnyObject, Sendable {
    /// `ndo_open`: the interface goes up (`dev_open`).
    func open() throws(FileError)
    /// `ndo_stop`: the interface goes down (`dev_close`, also at unregister while still bound).
    func stop()
    /// `ndo_start_xmit`: one frame; the model's drivers never return NETDEV_TX_BUSY.
    func startXmit(_ frame: [UInt8]) throws(FileError)
}

/// The net device's `FileOperations` side for CharDev's fence: only the driver's ops, reached
/// through ``CharDevice/withOperations(_:)``. A net device has no `/dev` node, so no file
/// operation is ever called on it.
final class NetDeviceBinding: FileOperations {
    let ops: any NetDeviceOps
    init(ops: any NetDeviceOps) { self.ops = ops }
}

/// `IFF_*` interface flags (include/uapi/linux/if.h) that the model sets.
public struct NetFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// IFF_UP: administratively up (`dev_open` succeeded).
    public static let up = NetFlags(rawValue: 0x1)
    /// IFF_BROADCAST: an ethernet device (`ether_setup`).
    public static let broadcast = NetFlags(rawValue: 0x2)
    /// IFF_RUNNING: the operational state, set here together with IFF_UP (carrier always on).
    public static let running = NetFlags(rawValue: 0x40)
}
