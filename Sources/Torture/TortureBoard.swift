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
    /// The `cdev` negative control's device and driver.
    static let echoTarget = (device: "legacy-echo.0", driver: "legacy-echo")
    /// The DRM driver, whose hot-plug interrupt readers fire (`drm_dev_enter`).
    let drm: SimHdmiDrmDriver
    /// Devices the writers unbind and rebind, with the driver to rebind.
    let targets: [(device: String, driver: String)]
    /// The net core of the board's `sim-eth` controller (readers use its sockets).
    let net: NetCore
    /// The gadget on the board's UDC, with one f_hid function (`/dev/hidg0`).
    let hid: SimHidFunction

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
        try sim.kernel.registerOrPut(sim.platformDevice("torture-gen.0", compatible: ["torture-gen"]))
        if echo {
            try sim.kernel.registerDriver(LegacyEchoDriver(namespace: sim.dev), on: sim.platform)
            try sim.kernel.registerOrPut(sim.platformDevice(Self.echoTarget.device, compatible: [Self.echoTarget.driver]))
        }
        try sim.populate()
        // The watchdog and misc subsystems, so readers reach all of them.
        try sim.kernel.registerDriver(SoftdogDriver(core: WatchdogCore(namespace: sim.dev)), on: sim.platform)
        try sim.kernel.registerOrPut(sim.platformDevice("wdt.0", compatible: ["softdog"], properties: ["timeout-sec": "30"]))
        try sim.kernel.registerDriver(MiscPipeDriver(misc: MiscCore(namespace: sim.dev)), on: sim.platform)
        try sim.kernel.registerOrPut(sim.platformDevice("misc-sim.0", compatible: ["misc-pipe"],
                                                   properties: ["misc-name": Self.pipeNode]))
        // A loopback UART (/dev/ttyS0): readers' files are hung up when it unbinds.
        try sim.kernel.registerDriver(SerialLoopbackDriver(tty: TTYDriver(prefix: "ttyS", namespace: sim.dev)), on: sim.platform)
        try sim.kernel.registerOrPut(sim.platformDevice("serial-sim.0", compatible: ["serial-loopback"]))
        // An SD host with a card (/dev/mmcblk0): open disks outlive mmc_remove_host.
        try sim.kernel.registerDriver(SDHCISimDriver(mmc: MMCCore(namespace: sim.dev)), on: sim.platform)
        try sim.kernel.registerOrPut(sim.platformDevice("sdhci-sim.0", compatible: ["sdhci-sim"]))
        // The net core: an ethernet controller whose eth0 readers reach through sockets.
        net = NetCore(namespace: sim.dev)
        try sim.kernel.registerDriver(SimEthernetDriver(net: net), on: sim.platform)
        try sim.kernel.registerOrPut(sim.platformDevice("eth-sim.0", compatible: ["sim-eth"]))
        // A USB gadget: its UDC's rebinds unbind and rebind the f_hid function under readers.
        let gadget = CompositeGadget(name: "g1", namespace: sim.dev)
        hid = SimHidFunction(minor: 0, events: sim.kernel.events)
        gadget.add(hid)
        try sim.kernel.registerDriver(SimUDCDriver { $0 == "g1" ? gadget : nil }, on: sim.platform)
        try sim.kernel.registerOrPut(sim.platformDevice("udc.0", compatible: ["sim-udc"], properties: ["gadget": "g1"]))
        // DRM: an HDMI encoder as /dev/dri/card0, its registers devres memory.
        let drm = SimHdmiDrmDriver(drm: DrmCore(namespace: sim.dev))
        self.drm = drm
        try sim.kernel.registerDriver(drm, on: sim.platform)
        try sim.kernel.registerOrPut(sim.platformDevice("hdmi.0", compatible: ["sim-hdmi"]))
        // V4L2: a camera as /dev/video0 and /dev/media0, its sensor registers devres memory.
        try sim.kernel.registerDriver(SimCaptureDriver(v4l2: V4L2Core(namespace: sim.dev)), on: sim.platform)
        try sim.kernel.registerOrPut(sim.platformDevice("cam.0", compatible: ["sim-capture"]))
        targets = [("gpio-sim.0", "gpio-sim"), ("i2c-sim.0", "i2c-sim"), ("spi-sim.0", "spi-sim"),
                   ("wdt.0", SoftdogDriver.driverName), ("misc-sim.0", MiscPipeDriver.driverName),
                   ("serial-sim.0", SerialLoopbackDriver.driverName), ("sdhci-sim.0", SDHCISimDriver.driverName),
                   ("eth-sim.0", SimEthernetDriver.driverName), ("udc.0", SimUDCDriver.driverName),
                   ("hdmi.0", SimHdmiDrmDriver.driverName), ("cam.0", SimCaptureDriver.driverName),
                   ("torture-gen.0", "torture-gen")] + (echo ? [Self.echoTarget] : [])
    }

    /// Unregisters every device the board registered, newest first (each takes its children
    /// and class devices with it), so that the end-of-run leak check sees a board that should
    /// hold nothing. Call only once every reader and writer has returned.
    func tearDown() -> [String] {
        net.unregisterSockets()
        return sim.kernel.unregisterAll().map { "tear-down of \($0.device): \($0.error)" }
    }
}
