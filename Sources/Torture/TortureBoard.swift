import DriverCore
import SimHardware
import Subsystems

/// What a torture run works on: the simulated board, the torture device (``GenerationDriver``)
/// and the negative controls asked for.
final class TortureBoard: Sendable {
    let sim: SimBoard
    let generation: GenerationDriver
    /// True when the `cdev` negative control (``LegacyEchoDriver``) is on the board.
    let echo: Bool
    /// The built-in board's hot-pluggable USB device, which writers unplug and plug back.
    static let usbPort = "1-1"
    static let usbDevice = "usb1-1"
    static let usbInterfaces = ["serial", "gpio"]
    /// The misc pipe's node (`/dev/torture-pipe`).
    static let pipeNode = "torture-pipe"
    /// The DRM driver, whose hot-plug interrupt readers fire (`drm_dev_enter`).
    let drm: SimHdmiDrmDriver
    /// Devices the writers unbind and rebind, with the driver to rebind.
    let targets: [(device: String, driver: String)]

    /// Registers the torture device (and the negative controls) before the board's own
    /// devices; the sanitizer must already be attached to `sim.kernel`.
    init(_ sim: SimBoard, broken: Set<NegativeControl>) throws(DriverCoreError) {
        self.sim = sim
        var parts = GenerationParts.real
        if broken.contains(.fence) { parts = parts.withBustedFence() }
        if broken.contains(.refcount) { parts = parts.withBustedRefcount() }
        generation = GenerationDriver(namespace: sim.dev, parts: parts)
        echo = broken.contains(.cdev)
        try sim.kernel.registerDriver(generation, on: sim.platform)
        try sim.kernel.register(sim.platformDevice("torture-gen.0", compatible: ["torture-gen"]))
        if echo {
            try sim.kernel.registerDriver(LegacyEchoDriver(namespace: sim.dev), on: sim.platform)
            try sim.kernel.register(sim.platformDevice("legacy-echo.0", compatible: ["legacy-echo"]))
        }
        try sim.populate()
        // The watchdog and misc subsystems, so readers reach all five.
        try sim.kernel.registerDriver(SoftdogDriver(core: WatchdogCore(namespace: sim.dev)), on: sim.platform)
        try sim.kernel.register(sim.platformDevice("wdt.0", compatible: ["softdog"], properties: ["timeout-sec": "30"]))
        try sim.kernel.registerDriver(MiscPipeDriver(misc: MiscCore(namespace: sim.dev)), on: sim.platform)
        try sim.kernel.register(sim.platformDevice("misc-sim.0", compatible: ["misc-pipe"],
                                                   properties: ["misc-name": Self.pipeNode]))
        // DRM: an HDMI encoder as /dev/dri/card0, its registers devres memory.
        let drm = SimHdmiDrmDriver(drm: DrmCore(namespace: sim.dev))
        self.drm = drm
        try sim.kernel.registerDriver(drm, on: sim.platform)
        try sim.kernel.register(sim.platformDevice("hdmi.0", compatible: ["sim-hdmi"]))
        // V4L2: a camera as /dev/video0 and /dev/media0, its sensor registers devres memory.
        try sim.kernel.registerDriver(SimCaptureDriver(v4l2: V4L2Core(namespace: sim.dev)), on: sim.platform)
        try sim.kernel.register(sim.platformDevice("cam.0", compatible: ["sim-capture"]))
        targets = [("gpio-sim.0", "gpio-sim"), ("i2c-sim.0", "i2c-sim"), ("spi-sim.0", "spi-sim"),
                   ("wdt.0", SoftdogDriver.driverName), ("misc-sim.0", MiscPipeDriver.driverName),
                   ("hdmi.0", SimHdmiDrmDriver.driverName),
                   ("cam.0", SimCaptureDriver.driverName), ("torture-gen.0", "torture-gen")] + (echo ? [("legacy-echo.0", "legacy-echo")] : [])
    }

    /// Unregisters every device the board registered, newest first (each takes its children
    /// and class devices with it), so that the end-of-run leak check sees a board that should
    /// hold nothing. Call only once every reader and writer has returned.
    func tearDown() -> [String] {
        sim.kernel.unregisterAll().map { "tear-down of \($0.device): \($0.error)" }
    }
}
