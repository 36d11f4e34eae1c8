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

    static func videoDevice(_ node: Node, _ r: NodeReader) -> VideoDeviceSpec? {
        let what = "a video device"
        guard let f = r.mapping(node, what, allowed: ["name", "brightness"]),
              let name = required(f, "name", in: what, r).flatMap({ r.string($0, "name") })
        else { return nil }
        var spec = VideoDeviceSpec(name: name, location: r.location(node))
        if let n = f["brightness"], let b = r.int(n, "brightness") {
            let range = VideoDeviceSpec.brightnessRange
            if !range.contains(b) { r.error(n, "brightness must be between \(range.lowerBound) and \(range.upperBound), found \(b)") }
            spec.brightness = b
        }
        return spec
    }
}
