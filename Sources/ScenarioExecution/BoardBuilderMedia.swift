import ScenarioModel
import SimHardware

extension ScenarioBoard {
    /// Registers the DRM devices, then the cameras, of the spec, each kind's built-in driver
    /// first (only when the board has one of its kind). The spec's parameters reach the
    /// drivers as device properties.
    func addMediaKinds() throws {
        if !spec.drmDevices.isEmpty {
            try kernel.registerDriver(SimHdmiDrmDriver(drm: drm), on: sim.platform)
        }
        for d in spec.drmDevices {
            try register(d.name, id: "sim-hdmi", ["hdmi-connected": d.connected ? "1" : "0"])
        }
        if !spec.videoDevices.isEmpty {
            try kernel.registerDriver(SimCaptureDriver(v4l2: v4l2), on: sim.platform)
        }
        for v in spec.videoDevices {
            try register(v.name, id: "sim-capture", ["brightness": "\(v.brightness)"])
        }
    }
}
