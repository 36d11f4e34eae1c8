import Yams

extension StepReader {
    /// `socket: inet` (an AF_INET socket for interface ioctls) or `socket: {packet: IFNAME}`
    /// (an AF_PACKET socket bound to IFNAME).
    static func socket(_ arg: Node, _ r: NodeReader) -> StepAction? {
        if case .scalar = arg {
            guard let family = r.string(arg, "socket") else { return nil }
            guard family == "inet" else {
                r.error(arg, "socket takes 'inet' or {packet: IFNAME}, found '\(family)'")
                return nil
            }
            return .socket(bindTo: nil)
        }
        guard let f = r.mapping(arg, "socket", allowed: ["packet"]),
              let n = need(f, "packet", "socket", r), let name = r.string(n, "packet") else { return nil }
        guard NetDeviceSpec.isValidInterfaceName(name) else {
            r.error(n, "'\(name)' is not an interface name (1…\(NetDeviceSpec.maxInterfaceName) characters, no '/', ':' or spaces)")
            return nil
        }
        return .socket(bindTo: name)
    }
}
