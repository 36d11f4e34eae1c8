import ScenarioModel
import SimHardware

extension ScenarioBoard {
    /// Registers the DRM devices of the spec, the built-in driver first (only when the board
    /// has one of its kind). The spec's parameters reach the driver as device properties.
    func addMediaKinds() throws {
        if !spec.drmDevices.isEmpty {
            try kernel.registerDriver(SimHdmiDrmDriver(drm: drm), on: sim.platform)
        }
        for d in spec.drmDevices {
            try register(d.name, id: "sim-hdmi", ["hdmi-connected": d.connected ? "1" : "0"])
        }
    }
}
