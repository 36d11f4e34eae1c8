import ScenarioModel
import DriverCore
import SimHardware

extension ScenarioBoard {
    /// Registers the SPI controllers, watchdogs and misc devices of the spec, in that order,
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
            try kernel.registerDriver(SoftdogDriver(core: watchdog), on: sim.platform)
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
    }

    /// A platform device matched by `id`; a probe that fails leaves it unbound, which the
    /// builder reports (a board whose nodes are missing would fail every step confusingly).
    func register(_ name: String, id: String, _ properties: [String: String]) throws {
        let device = Device(kernel: kernel, name: name, bus: sim.platform, matchIDs: [id], properties: properties) { _ in }
        try registerOrPut(device)
        guard device.state == .bound else {
            throw BoardError(message: "\(name): the built-in \(id) driver did not bind (state \(device.state))")
        }
    }
}

extension ScenarioBoard {
    /// `device_register()` and, when it fails, the `put_device()` its caller owes: the device's
    /// initial reference is the caller's to drop even though the add failed (the contract
    /// documented at `device_register()` in drivers/base/core.c). Without it every failed
    /// registration leaked the device, as `devmodel faults --scenario` showed.
    func registerOrPut(_ device: Device, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        do {
            try kernel.register(device, fileID: fileID, line: line)
        } catch {
            try? device.put(fileID: fileID, line: line)
            throw error
        }
    }
}
