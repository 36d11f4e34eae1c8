import CharDev
import DriverCore
import Instrumentation

/// Memory the net core frees when a net device is released: `netdev_priv`'s area, whatever
/// type the driver chose for it (a `ModelMemory`, or a described driver's struct).
public protocol NetPrivArea: AnyObject, Sendable {
    /// False once freed.
    var isLive: Bool { get }
    /// Frees the area (a second call is a double free, reported by the area).
    func free(fileID: StaticString, line: UInt) throws(DriverCoreError)
}
extension ModelMemory: NetPrivArea {}

/// The subsystem-owned, refcounted `struct net_device` (net/core/dev.c): its name and
/// ifindex, its interface flags, its dev_hold count, and the `netdev_priv` area allocated in
/// the same block.
///
/// Two counts, as in the kernel, with different jobs:
/// - the **struct device** reference (`dev->dev`): taken by `alloc_netdev` (device_initialize)
///   and dropped by `free_netdev`, plus the registration's; its release frees the block —
///   the net_device *and its priv*, which therefore lives exactly as long as the netdev
///   (net/core/net-sysfs.c `netdev_release`). Anyone may hold it (sysfs, a sock's `dev`).
/// - the **dev_hold** count (`dev->pcpu_refcnt`, lib/ref_tracker.c for the holders): kernel
///   users only; `unregister_netdev` waits for it to drain (`netdev_wait_allrefs_any`). User
///   space never holds one across calls: a socket looks the device up per call.
///
/// Thread-safe. The driver's ops sit behind CharDev's fence (``cdev``), revoked at unregister.
public final class NetDevice: Sendable, CustomStringConvertible {
    /// `dev->reg_state`.
    public enum RegistrationState: String, Sendable {
        case uninitialized, registered, unregistering, unregistered
        /// `free_netdev` ran: the block is released (or will be at its last device put).
        case freed
    }

    /// The name template (`eth%d`) until registration picks the number.
    let template: String
    let priv: any NetPrivArea
    let events: EventStream
    private let state = Locked(State())
    /// dev_hold holders by tag (ref_tracker), and the queue `netdev_wait_allrefs` sleeps on.
    let refs: NetRefcount

    struct State {
        var name: String?
        var ifindex = 0
        var flags: NetFlags = [.broadcast]
        var reg: RegistrationState = .uninitialized
        var cdev: CharDevice?
        var parent: Device?
        /// The registration was `devm_register_netdev`: its devres action is the expected
        /// unregister, not the safety net.
        var managed = false
        /// The device whose devres frees this netdev (`devm_alloc_etherdev`), if any.
        var devmOwner: Device?
    }

    init(template: String, priv: any NetPrivArea, events: EventStream) {
        self.template = template
        self.priv = priv
        self.events = events
        refs = NetRefcount(name: template, events: events)
    }

    /// `dev->name`: the template until registered (`eth%d`), then `ethN`.
    public var name: String { state.withLock { $0.name } ?? template }
    public var description: String { name }
    /// `dev->ifindex`: 0 until registered; never reused while the core lives.
    public var ifindex: Int { state.withLock { $0.ifindex } }
    public var flags: NetFlags { state.withLock { $0.flags } }
    public var registrationState: RegistrationState { state.withLock { $0.reg } }
    /// `dev->dev.parent` (`SET_NETDEV_DEV`), set at registration.
    public var parent: Device? { state.withLock { $0.parent } }
    /// The struct device and fence of a registered netdev (nil before registration).
    public var cdev: CharDevice? { state.withLock { $0.cdev } }
    /// True once the block (the net_device and its priv) was released.
    public var isReleased: Bool { !priv.isLive }
    /// dev_hold references currently held, by holder.
    public var holders: [String: Int] { refs.holders }

    func update<R>(_ body: (inout State) -> R) -> R { state.withLock(body) }
}
