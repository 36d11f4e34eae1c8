import CharDev
import DriverCore
import Instrumentation

/// The net core of one kernel (net/core/dev.c, net/devres.c): allocates, registers,
/// unregisters and frees ``NetDevice``s, and serves user space's sockets (``socket(bindTo:fileID:line:)``).
///
/// Lifetime rules it keeps:
/// - `unregister_netdev` closes the device (`ndo_stop` while the driver is still bound),
///   unlists it (lookups by name or ifindex fail: ENODEV), revokes the fence in front of the
///   driver's ops (waiting only for calls in flight), then waits for the **kernel** references
///   (dev_hold) to drain — never for user space, which holds none between calls.
/// - `free_netdev` drops the allocation's struct-device reference; the block, priv included,
///   goes at the last put. Freeing a registered netdev is refused (the kernel's BUG_ON).
/// - The parent's unbind unregisters a netdev its driver left registered (a devres action of
///   the registration, which `devm_register_netdev` makes the expected path), so ops are never
///   reached after the parent's driver is gone.
///
/// Cost: one table lock per lookup; `rtnl` (a model lock) around flag changes and unregister.
/// Thread-safe.
public final class NetCore: Sendable {
    public let namespace: DevNamespace
    /// `dev_base_head` + the name/ifindex hashes under one lock; numbers give `eth%d`.
    let registry: SubsystemRegistry<NetDevice>
    /// `rtnl_lock`: serialises flag changes (and so `ndo_open`/`ndo_stop`) with unregister.
    let rtnl: ModelLock
    /// How long unregister waits for dev_hold references before it warns (nanoseconds).
    let unregisterWarning: UInt64
    let nextIfindex = Locked(2)  // 1 is `lo`
    let sockets = Locked<CharDevice?>(nil)

    public init(namespace: DevNamespace, unregisterWarning: UInt64 = 10_000_000_000) {
        self.namespace = namespace
        self.unregisterWarning = unregisterWarning
        registry = SubsystemRegistry(kind: "net device", events: namespace.kernel.events)
        rtnl = ModelLock(class: "rtnl", name: "rtnl_mutex", events: namespace.kernel.events)
    }

    var events: EventStream { namespace.kernel.events }

    /// Registered net devices, by name number.
    public var devices: [NetDevice] { registry.objects }

    /// The registered device named `name` (a snapshot; take no reference on it).
    public func device(named name: String) -> NetDevice? { registry.objects.first { $0.name == name } }

    // MARK: alloc / free

    /// `alloc_etherdev(sizeof(priv))`: a net device with its `netdev_priv` area, not yet
    /// registered. The priv is freed with the netdev, never before.
    public func allocEtherdev<P: Sendable>(priv: P, template: String = "eth%d",
                                           fileID: StaticString = #fileID, line: UInt = #line) -> (NetDevice, ModelMemory<P>) {
        let memory = ModelMemory(priv, name: "netdev_priv(\(template))", events: events, fileID: fileID, line: line)
        return (NetDevice(template: template, priv: memory, events: events), memory)
    }

    /// `alloc_netdev` with a priv area the caller made (a described driver's struct).
    public func allocNetdev(privArea: any NetPrivArea, template: String = "eth%d") -> NetDevice {
        NetDevice(template: template, priv: privArea, events: events)
    }

    /// Marks `dev` as freed by `owner`'s devres (`devm_alloc_etherdev`) and adds that action.
    package func devmFree(_ dev: NetDevice, owner: Device, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        dev.update { $0.devmOwner = owner }
        try owner.devres.addActionOrReset(ActionKey("devm_free_netdev", data: dev), fileID: fileID, line: line) { [self] in
            free(dev, fileID: fileID, line: line)
        }
    }

    /// `devm_alloc_etherdev` (net/devres.c): as ``allocEtherdev(priv:template:fileID:line:)``,
    /// with `free_netdev` at the provider's unbind.
    public func devmAllocEtherdev<P: Sendable>(priv: P, provider: borrowing BoundDevice, template: String = "eth%d",
                                               fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> (NetDevice, ModelMemory<P>) {
        let (dev, memory) = allocEtherdev(priv: priv, template: template, fileID: fileID, line: line)
        try devmFree(dev, owner: provider.device, fileID: fileID, line: line)
        return (dev, memory)
    }

    /// `free_netdev`: before registration the block is freed at once; after unregistration
    /// the allocation's device reference is dropped (the block goes at the last put). On a
    /// registered (or unregistering) device it does nothing but warn: the kernel's BUG_ON.
    public func free(_ dev: NetDevice, fileID: StaticString = #fileID, line: UInt = #line) {
        let site = CallSite(fileID: fileID, line: line)
        let (before, cdev) = dev.update { s -> (NetDevice.RegistrationState, CharDevice?) in
            let before = s.reg
            if before == .uninitialized || before == .unregistered { s.reg = .freed }
            return (before, s.cdev)
        }
        events.emit(.netdevFree, object: dev.refs.id, name: dev.name, detail: before.rawValue, site: site)
        switch before {
        case .uninitialized:
            try? dev.priv.free(fileID: fileID, line: line)
        case .unregistered, .freed:
            // A second free_netdev is a second put: the sanitizer reports the double put.
            if let cdev { try? cdev.device.put(fileID: fileID, line: line) } else { try? dev.priv.free(fileID: fileID, line: line) }
        case .registered, .unregistering:
            events.emit(.warning, object: dev.refs.id, name: dev.name,
                        detail: "free_netdev of \(dev.name) while \(before.rawValue) (kernel BUG_ON)", site: site)
        }
    }
}
