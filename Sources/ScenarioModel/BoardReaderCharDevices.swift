import Yams

/// Reads the `spi_controllers`, `watchdogs`, `misc_devices`, `serial_ports` and `mmc_hosts` entries of `board:`. Like the
/// rest of the reader: every problem is a located diagnostic, nothing throws.
extension BoardReader {
    static func spiController(_ node: Node, _ r: NodeReader) -> SPIControllerSpec? {
        let what = "an spi controller"
        guard let f = r.mapping(node, what, allowed: ["name", "chip_selects", "max_speed_hz"]),
              let name = required(f, "name", in: what, r).flatMap({ r.string($0, "name") })
        else { return nil }
        var spec = SPIControllerSpec(name: name, location: r.location(node))
        // spidev nodes are numbered by chip select; SPICore allows 1…16 per controller.
        if let n = f["chip_selects"], let cs = r.int(n, "chip_selects") {
            if !(1...16).contains(cs) { r.error(n, "chip_selects must be between 1 and 16, found \(cs)") }
            spec.chipSelects = cs
        }
        if let n = f["max_speed_hz"], let hz = r.int(n, "max_speed_hz") {
            if !(1...Int(UInt32.max)).contains(hz) { r.error(n, "max_speed_hz must be between 1 and \(UInt32.max), found \(hz)") }
            spec.maxSpeedHz = hz
        }
        return spec
    }

    static func watchdog(_ node: Node, _ r: NodeReader) -> WatchdogSpec? {
        let what = "a watchdog"
        guard let f = r.mapping(node, what, allowed: ["name", "timeout", "nowayout", "stop_on_unregister", "module"]),
              let name = required(f, "name", in: what, r).flatMap({ r.string($0, "name") })
        else { return nil }
        var spec = WatchdogSpec(name: name, location: r.location(node))
        if let n = f["timeout"], let t = r.int(n, "timeout") {
            let range = WatchdogSpec.timeoutRange
            if !range.contains(t) { r.error(n, "timeout must be between \(range.lowerBound) and \(range.upperBound) seconds, found \(t)") }
            spec.timeout = t
        }
        if let n = f["nowayout"], let b = r.bool(n, "nowayout") { spec.nowayout = b }
        if let n = f["stop_on_unregister"], let b = r.bool(n, "stop_on_unregister") { spec.stopOnUnregister = b }
        if let n = f["module"], let b = r.bool(n, "module") { spec.module = b }
        return spec
    }

    static func misc(_ node: Node, _ r: NodeReader) -> MiscDeviceSpec? {
        let what = "a misc device"
        guard let f = r.mapping(node, what, allowed: ["name", "node", "minor"]),
              let name = required(f, "name", in: what, r).flatMap({ r.string($0, "name") }),
              let nodeNode = required(f, "node", in: what, r), let devName = r.string(nodeNode, "node")
        else { return nil }
        // A /dev name, not a path: the misc layer publishes it directly under /dev.
        if devName.isEmpty || devName.contains("/") || devName == "." || devName == ".." {
            r.error(nodeNode, "node must be a name under /dev without '/', found '\(devName)'")
        }
        var spec = MiscDeviceSpec(name: name, node: devName, location: r.location(node))
        if let n = f["minor"], let minor = r.int(n, "minor") {
            // Static minors below the board's dynamic range (MiscDeviceSpec.staticMinors),
            // so a static request never collides with a dynamically allocated one.
            let range = MiscDeviceSpec.staticMinors
            if !range.contains(minor) {
                r.error(n, "minor must be between \(range.lowerBound) and \(range.upperBound), found \(minor)")
            }
            spec.minor = minor
        }
        return spec
    }

    static func serialPort(_ node: Node, _ r: NodeReader) -> SerialPortSpec? {
        let what = "a serial port"
        guard let f = r.mapping(node, what, allowed: ["name", "serdev"]),
              let name = required(f, "name", in: what, r).flatMap({ r.string($0, "name") })
        else { return nil }
        let serdev = f["serdev"].flatMap { r.bool($0, "serdev") } ?? false
        return SerialPortSpec(name: name, serdev: serdev, location: r.location(node))
    }

    static func mmcHost(_ node: Node, _ r: NodeReader) -> MMCHostSpec? {
        let what = "an mmc host"
        guard let f = r.mapping(node, what, allowed: ["name", "blocks"]),
              let name = required(f, "name", in: what, r).flatMap({ r.string($0, "name") })
        else { return nil }
        var spec = MMCHostSpec(name: name, location: r.location(node))
        if let n = f["blocks"], let blocks = r.int(n, "blocks") {
            let range = MMCHostSpec.blockRange
            if !range.contains(blocks) { r.error(n, "blocks must be between \(range.lowerBound) and \(range.upperBound), found \(blocks)") }
            spec.blocks = blocks
        }
        return spec
    }
}
