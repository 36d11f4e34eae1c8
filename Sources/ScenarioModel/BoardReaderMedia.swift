import Yams

/// Reads the `drm_devices` and `video_devices` entries of `board:`. Like the rest of the
/// reader: every problem is a located diagnostic, nothing throws.
extension BoardReader {
    static func drmDevice(_ node: Node, _ r: NodeReader) -> DrmDeviceSpec? {
        let what = "a drm device"
        guard let f = r.mapping(node, what, allowed: ["name", "connected"]),
              let name = required(f, "name", in: what, r).flatMap({ r.string($0, "name") })
        else { return nil }
        var spec = DrmDeviceSpec(name: name, location: r.location(node))
        if let n = f["connected"], let b = r.bool(n, "connected") { spec.connected = b }
        return spec
    }
}
