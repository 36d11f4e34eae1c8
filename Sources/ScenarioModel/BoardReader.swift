import Yams

/// Reads the `board:` section.
enum BoardReader {
    static func read(_ node: Node, _ r: NodeReader) -> BoardSpec {
        var board = BoardSpec()
        guard let f = r.mapping(node, "board", allowed: ["gpio_chips", "usb_devices", "drivers", "devices", "links",
                                                         "i2c_adapters", "spi_controllers", "watchdogs", "misc_devices",
                                                         "serial_ports", "mmc_hosts", "netdevs", "usb_gadgets",
                                                         "drm_devices", "video_devices"])
        else { return board }
        if let n = f["gpio_chips"] { board.gpioChips = (r.list(n, "gpio_chips") ?? []).compactMap { chip($0, r) } }
        if let n = f["usb_devices"] { board.usbDevices = (r.list(n, "usb_devices") ?? []).compactMap { usb($0, r) } }
        if let n = f["drivers"] { board.drivers = (r.list(n, "drivers") ?? []).compactMap { driver($0, r) } }
        if let n = f["devices"] { board.devices = (r.list(n, "devices") ?? []).compactMap { device($0, r) } }
        if let n = f["links"] { board.links = (r.list(n, "links") ?? []).compactMap { link($0, r) } }
        if let n = f["i2c_adapters"] { board.i2cAdapters = (r.list(n, "i2c_adapters") ?? []).compactMap { i2cAdapter($0, r) } }
        if let n = f["spi_controllers"] {
            board.spiControllers = (r.list(n, "spi_controllers") ?? []).compactMap { spiController($0, r) }
        }
        if let n = f["watchdogs"] { board.watchdogs = (r.list(n, "watchdogs") ?? []).compactMap { watchdog($0, r) } }
        if let n = f["misc_devices"] { board.miscDevices = (r.list(n, "misc_devices") ?? []).compactMap { misc($0, r) } }
        if let n = f["serial_ports"] { board.serialPorts = (r.list(n, "serial_ports") ?? []).compactMap { serialPort($0, r) } }
        if let n = f["mmc_hosts"] { board.mmcHosts = (r.list(n, "mmc_hosts") ?? []).compactMap { mmcHost($0, r) } }
        if let n = f["netdevs"] { board.netDevices = (r.list(n, "netdevs") ?? []).compactMap { netdev($0, r) } }
        if let n = f["usb_gadgets"] { board.usbGadgets = (r.list(n, "usb_gadgets") ?? []).compactMap { gadget($0, r) } }
        if let n = f["drm_devices"] { board.drmDevices = (r.list(n, "drm_devices") ?? []).compactMap { drmDevice($0, r) } }
        if let n = f["video_devices"] {
            board.videoDevices = (r.list(n, "video_devices") ?? []).compactMap { videoDevice($0, r) }
        }
        return board
    }

    static func required(_ f: Fields, _ key: String, in what: String, _ r: NodeReader) -> Node? {
        if let n = f[key] { return n }
        r.error(f.node, "\(what) needs '\(key)'")
        return nil
    }

    static func i2cAdapter(_ node: Node, _ r: NodeReader) -> I2CAdapterSpec? {
        guard let f = r.mapping(node, "an i2c adapter", allowed: ["name"]),
              let nameNode = required(f, "name", in: "an i2c adapter", r), let name = r.string(nameNode, "name")
        else { return nil }
        return I2CAdapterSpec(name: name, location: r.location(node))
    }

    static func chip(_ node: Node, _ r: NodeReader) -> GpioChipSpec? {
        guard let f = r.mapping(node, "a gpio chip", allowed: ["name", "num_lines", "line_names", "hogs"]),
              let nameNode = required(f, "name", in: "a gpio chip", r), let name = r.string(nameNode, "name"),
              let linesNode = required(f, "num_lines", in: "a gpio chip", r), let lines = r.int(linesNode, "num_lines")
        else { return nil }
        if !(1...512).contains(lines) { r.error(linesNode, "num_lines must be between 1 and 512, found \(lines)") }
        let names = f["line_names"].flatMap { r.strings($0, "line_names") } ?? []
        if names.count > lines, let n = f["line_names"] {
            r.error(n, "\(names.count) line names for \(lines) lines")
        }
        var hogs: [GpioHogSpec] = []
        for h in f["hogs"].flatMap({ r.list($0, "hogs") }) ?? [] {
            guard let hf = r.mapping(h, "a hog", allowed: ["offset", "name"]),
                  let o = required(hf, "offset", in: "a hog", r).flatMap({ r.int($0, "offset") }) else { continue }
            if o < 0 || o >= lines { r.error(h, "hog offset \(o) is not a line of a \(lines)-line chip") }
            let hogName = hf["name"].flatMap { r.string($0, "name") } ?? "hog-\(o)"
            hogs.append(GpioHogSpec(offset: o, name: hogName))
        }
        return GpioChipSpec(name: name, numLines: lines, lineNames: names, hogs: hogs, location: r.location(node))
    }

    static func usb(_ node: Node, _ r: NodeReader) -> USBDeviceSpec? {
        guard let f = r.mapping(node, "a usb device", allowed: ["port", "interfaces", "plugged"]),
              let portNode = required(f, "port", in: "a usb device", r), let port = r.string(portNode, "port")
        else { return nil }
        let interfaces = f["interfaces"].flatMap { r.strings($0, "interfaces") } ?? []
        let plugged = f["plugged"].flatMap { r.bool($0, "plugged") } ?? true
        return USBDeviceSpec(port: port, interfaces: interfaces, plugged: plugged, location: r.location(node))
    }

    static func driver(_ node: Node, _ r: NodeReader) -> DriverSpec? {
        guard let f = r.mapping(node, "a driver",
                                allowed: ["name", "compatible", "needs", "provides", "devres", "fail_probe"]),
              let nameNode = required(f, "name", in: "a driver", r), let name = r.string(nameNode, "name")
        else { return nil }
        var spec = DriverSpec(name: name, location: r.location(node))
        spec.compatible = f["compatible"].flatMap { r.strings($0, "compatible") } ?? []
        spec.needs = f["needs"].flatMap { r.strings($0, "needs") } ?? []
        spec.provides = f["provides"].flatMap { r.strings($0, "provides") } ?? []
        spec.devres = f["devres"].flatMap { r.strings($0, "devres") } ?? []
        if let n = f["fail_probe"], let e = r.string(n, "fail_probe") {
            if Errno(name: e) == nil { r.error(n, "unknown errno '\(e)'") }
            spec.failProbe = e
        }
        return spec
    }

    static func device(_ node: Node, _ r: NodeReader) -> PlatformDeviceSpec? {
        guard let f = r.mapping(node, "a device", allowed: ["name", "compatible", "driver_override"]),
              let nameNode = required(f, "name", in: "a device", r), let name = r.string(nameNode, "name")
        else { return nil }
        let compatible = f["compatible"].flatMap { r.strings($0, "compatible") } ?? []
        let override = f["driver_override"].flatMap { r.string($0, "driver_override") }
        return PlatformDeviceSpec(name: name, compatible: compatible, driverOverride: override, location: r.location(node))
    }

    static func link(_ node: Node, _ r: NodeReader) -> LinkSpec? {
        guard let f = r.mapping(node, "a link", allowed: ["supplier", "consumer", "flags"]),
              let s = required(f, "supplier", in: "a link", r).flatMap({ r.string($0, "supplier") }),
              let c = required(f, "consumer", in: "a link", r).flatMap({ r.string($0, "consumer") })
        else { return nil }
        let flags = f["flags"].flatMap { r.strings($0, "flags") } ?? []
        if let n = f["flags"] {
            for flag in flags where !LinkSpec.flagNames.contains(flag) {
                r.error(n, "unknown link flag '\(flag)'; expected one of: \(LinkSpec.flagNames.joined(separator: ", "))")
            }
        }
        return LinkSpec(supplier: s, consumer: c, flags: flags, location: r.location(node))
    }
}

import Instrumentation
