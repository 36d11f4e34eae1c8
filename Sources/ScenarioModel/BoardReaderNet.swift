import Yams

/// Reads the `netdevs` entries of `board:`: every problem is a located diagnostic.
extension BoardReader {
    static func netdev(_ node: Node, _ r: NodeReader) -> NetDeviceSpec? {
        let what = "a net device"
        guard let f = r.mapping(node, what, allowed: ["name", "api"]),
              let name = required(f, "name", in: what, r).flatMap({ r.string($0, "name") })
        else { return nil }
        var spec = NetDeviceSpec(name: name, location: r.location(node))
        if let n = f["api"], let text = r.string(n, "api") {
            if let api = NetDeviceSpec.API(rawValue: text) {
                spec.api = api
            } else {
                r.error(n, "api must be one of: \(NetDeviceSpec.API.allCases.map(\.rawValue).joined(separator: ", ")), found '\(text)'")
            }
        }
        return spec
    }
}
