/// An ethernet controller of the board: a platform device bound by the built-in `sim-eth`
/// driver, which registers one net device (`eth0`, `eth1`, … in board order). User space
/// reaches it through sockets (`socket:` steps, `siocgifflags`/`siocsifflags`/`siocgifindex`
/// ioctls by interface name, `write` on a packet socket bound to it); after the driver's
/// unbind the name is gone (ENODEV) and a bound socket's send is ENXIO, while sockets stay open.
public struct NetDeviceSpec: Sendable, Equatable {
    /// How the driver manages its net device (net/devres.c or by hand).
    public enum API: String, Sendable, Equatable, CaseIterable {
        /// `devm_alloc_etherdev` + `devm_register_netdev`.
        case devm
        /// `alloc_etherdev` + `register_netdev` in probe; `unregister_netdev` + `free_netdev` in remove.
        case classic
    }

    /// The platform device's name ("eth-sim.0").
    public var name: String
    public var api: API
    public var location: SourceLocation?

    public init(name: String, api: API = .devm, location: SourceLocation? = nil) {
        self.name = name
        self.api = api
        self.location = location
    }

    /// IFNAMSIZ (include/uapi/linux/if.h) less the terminating NUL.
    public static let maxInterfaceName = 15

    /// Whether `name` can name an interface (dev_valid_name in net/core/dev.c): 1…15
    /// characters, not "." or "..", no '/', ':' or whitespace.
    public static func isValidInterfaceName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= maxInterfaceName && name != "." && name != ".."
            && !name.contains { $0 == "/" || $0 == ":" || $0.isWhitespace }
    }
}

extension BoardSpec {
    /// The interfaces the board's ethernet controllers register at setup, in order: `eth0`, ….
    public var interfaceNames: [String] { netDevices.indices.map { "eth\($0)" } }
}
