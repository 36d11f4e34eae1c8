import ScenarioModel
import DriverCore
import SimHardware

extension ScenarioBoard {
    /// Registers the SPI controllers, watchdogs, misc devices, serial ports, MMC hosts, ethernet controllers and USB gadgets of the spec, in that order,
    /// each kind's built-in driver first (only when the board has one of its kind, so a
    /// board's tree shows only the drivers it uses). The spec's parameters reach the drivers
    /// as device properties, the way firmware describes hardware to a real driver.
    func addCharDeviceKinds() throws {
        if !spec.spiControllers.isEmpty {
            try kernel.registerDriver(SPILoopbackDriver(spi: sim.spi), on: sim.platform)
        }
        for c in spec.spiControllers {
            try register(c.name, id: "spi-loopback",
                         ["num-cs": "\(c.chipSelects)", "spi-max-frequency": "\(c.maxSpeedHz)"])
        }
        if !spec.watchdogs.isEmpty {
            let softdog = SoftdogDriver(core: watchdog)
            if spec.moduleNames.contains(WatchdogSpec.softdogModule) {
                // softdog_init registers the driver, softdog_exit unregisters it (which
                // unregisters its watchdogs); the module is set before any device binds.
                softdog.setModule(try kernel.loadModule(WatchdogSpec.softdogModule, registering: [softdog], on: sim.platform))
            } else {
                try kernel.registerDriver(softdog, on: sim.platform)
            }
        }
        for w in spec.watchdogs {
            try register(w.name, id: "softdog", ["timeout-sec": "\(w.timeout)", "nowayout": w.nowayout ? "1" : "0",
                                                 "stop-on-unregister": w.stopOnUnregister ? "1" : "0"])
        }
        if !spec.miscDevices.isEmpty {
            try kernel.registerDriver(MiscPipeDriver(misc: misc), on: sim.platform)
        }
        for m in spec.miscDevices {
            var properties = ["misc-name": m.node]
            if let minor = m.minor { properties["misc-minor"] = "\(minor)" }
            try register(m.name, id: "misc-pipe", properties)
        }
        if let serial {
            try kernel.registerDriver(SerialLoopbackDriver(tty: serial.tty), on: sim.platform)
            try kernel.registerDriver(SerdevEchoDriver(serdev: serial.serdev), on: serial.serdev.bus)
        }
        for p in spec.serialPorts {
            try register(p.name, id: "serial-loopback", p.serdev ? ["serdev-client": SerdevEchoDriver.driverName] : [:])
        }
        if !spec.mmcHosts.isEmpty {
            try kernel.registerDriver(SDHCISimDriver(mmc: mmc), on: sim.platform)
        }
        for h in spec.mmcHosts { try register(h.name, id: "sdhci-sim", ["blocks": "\(h.blocks)"]) }
        if !spec.netDevices.isEmpty {
            try kernel.registerDriver(SimEthernetDriver(net: net), on: sim.platform)
        }
        for n in spec.netDevices {
            try register(n.name, id: "sim-eth", ["netdev-api": n.api.rawValue])
        }
        try addGadgets()
    }

    /// Each gadget's functions (f_hid minors numbered across the board), then its UDC, whose
    /// `sim-udc` probe binds the gadget.
    private func addGadgets() throws {
        guard !spec.usbGadgets.isEmpty else { return }
        let gadgets = self.gadgets
        try kernel.registerDriver(SimUDCDriver { gadgets[$0] }, on: sim.platform)
        var minor = 0
        for g in spec.usbGadgets {
            guard let gadget = gadgets[g.name] else { continue }
            for _ in g.functions {
                gadget.add(SimHidFunction(minor: minor, events: kernel.events))
                minor += 1
            }
            try register(g.udc, id: "sim-udc", ["gadget": g.name])
        }
    }

    /// A platform device matched by `id`; a probe that fails leaves it unbound, which the
    /// builder reports (a board whose nodes are missing would fail every step confusingly).
    func register(_ name: String, id: String, _ properties: [String: String]) throws {
        let device = Device(kernel: kernel, name: name, bus: sim.platform, matchIDs: [id], properties: properties) { _ in }
        try kernel.registerOrPut(device)
        guard device.state == .bound else {
            throw BoardError(message: "\(name): the built-in \(id) driver did not bind (state \(device.state))")
        }
    }
}
