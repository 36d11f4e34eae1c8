import Yams

/// Reads an `ioctl:` step: `{file, request, …}` with the arguments its request needs. An
/// argument key that the named request does not take is an error at that key, so a typo'd
/// or misplaced argument is never silently ignored.
enum IoctlReader {
    /// The argument keys each request takes besides `file` and `request`.
    static let arguments: [String: [String]] = [
        "line_info": ["offset"], "set_values": ["values"], "i2c_slave": ["address"],
        "spi_message": ["tx"], "spi_wr_mode": ["mode"], "spi_wr_max_speed_hz": ["speed_hz"],
        "wdioc_settimeout": ["timeout"],
        "siocgifflags": ["ifname"], "siocsifflags": ["ifname", "up"], "siocgifindex": ["ifname"],
        "vidioc_g_ctrl": ["id"],
    ]

    static func ioctl(_ arg: Node, _ r: NodeReader) -> StepAction? {
        let allArguments = Array(Set(arguments.values.joined())).sorted()
        guard let f = r.mapping(arg, "ioctl", allowed: ["file", "request"] + allArguments),
              let file = StepReader.need(f, "file", "ioctl", r).flatMap({ r.string($0, "file") }),
              let reqNode = StepReader.need(f, "request", "ioctl", r), let req = r.string(reqNode, "request")
        else { return nil }
        guard IoctlSpec.keywords.contains(req) else {
            r.error(reqNode, "unknown ioctl request '\(req)'; expected one of: \(IoctlSpec.keywords.joined(separator: ", "))")
            return nil
        }
        let takes = arguments[req] ?? []
        var misplaced = false
        for (key, keyNode, _) in f.values where !["file", "request"].contains(key) && !takes.contains(key) {
            r.error(keyNode, "ioctl \(req) takes no '\(key)'\(takes.isEmpty ? "" : "; it takes: \(takes.joined(separator: ", "))")")
            misplaced = true
        }
        guard !misplaced, let request = request(req, f, r) else { return nil }
        return .ioctl(file: file, request: request)
    }

    private static func need(_ f: Fields, _ key: String, _ req: String, _ r: NodeReader) -> Node? {
        StepReader.need(f, key, "ioctl \(req)", r)
    }

    private static func request(_ req: String, _ f: Fields, _ r: NodeReader) -> IoctlSpec? {
        switch req {
        case "chip_info": return .chipInfo
        case "get_values": return .getValues
        case "line_info":
            return need(f, "offset", req, r).flatMap { r.int($0, "offset") }.map { .lineInfo(offset: $0) }
        case "set_values":
            guard let n = need(f, "values", req, r), let items = r.list(n, "values") else { return nil }
            let values = items.compactMap { item -> Bool? in
                if let i = item.int, i == 0 || i == 1 { return i == 1 }
                return r.bool(item, "a value")
            }
            return values.count == items.count ? .setValues(values) : nil
        case "i2c_slave":
            guard let n = need(f, "address", req, r), let address = r.int(n, "address") else { return nil }
            if !(0x03...0x77).contains(address) { r.error(n, "I2C address \(address) is outside 0x03…0x77") }
            return .i2cSlave(address: address)
        case "spi_message":
            guard let n = need(f, "tx", req, r), let bytes = r.ints(n, "tx") else { return nil }
            if bytes.isEmpty { r.error(n, "tx must hold at least one byte") }
            for b in bytes where !(0...255).contains(b) { r.error(n, "tx byte \(b) is outside 0…255") }
            return .spiMessage(tx: bytes.map { UInt8(clamping: $0) })
        case "spi_rd_mode": return .spiReadMode
        case "spi_wr_mode":
            guard let n = need(f, "mode", req, r), let mode = r.int(n, "mode") else { return nil }
            if !(0...Int(UInt32.max)).contains(mode) { r.error(n, "mode must be a 32-bit value, found \(mode)") }
            return .spiWriteMode(UInt32(clamping: mode))
        case "spi_rd_max_speed_hz": return .spiReadMaxSpeed
        case "spi_wr_max_speed_hz":
            guard let n = need(f, "speed_hz", req, r), let hz = r.int(n, "speed_hz") else { return nil }
            if !(0...Int(UInt32.max)).contains(hz) { r.error(n, "speed_hz must be a 32-bit value, found \(hz)") }
            return .spiWriteMaxSpeed(UInt32(clamping: hz))
        case "wdioc_getsupport": return .wdiocGetSupport
        case "wdioc_getstatus": return .wdiocGetStatus
        case "wdioc_keepalive": return .wdiocKeepalive
        case "wdioc_gettimeout": return .wdiocGetTimeout
        case "wdioc_settimeout":
            return need(f, "timeout", req, r).flatMap { r.int($0, "timeout") }.map { .wdiocSetTimeout(seconds: $0) }
        case "tiocmget": return .tiocmget
        case "tiocinq": return .tiocinq
        case "mmc_send_status": return .mmcSendStatus
        case "blkgetsize64": return .blkGetSize64
        case "siocgifflags": return interface(f, req, r).map { .siocgifflags(ifname: $0) }
        case "siocgifindex": return interface(f, req, r).map { .siocgifindex(ifname: $0) }
        case "siocsifflags":
            guard let name = interface(f, req, r), let up = need(f, "up", req, r).flatMap({ r.bool($0, "up") }) else { return nil }
            return .siocsifflags(ifname: name, up: up)
        case "drm_version": return .drmVersion
        case "drm_mode_getconnector": return .drmModeGetConnector
        case "vidioc_querycap": return .vidiocQuerycap
        case "media_ioc_device_info": return .mediaIocDeviceInfo
        case "vidioc_g_ctrl":
            guard let n = need(f, "id", req, r), let id = r.int(n, "id") else { return nil }
            if !(0...Int(UInt32.max)).contains(id) { r.error(n, "id must be a 32-bit control id, found \(id)") }
            return .vidiocGCtrl(id: id)
        default: return .fionread
        }
    }

    /// The `ifname` of a socket ioctl, checked as the kernel's `dev_valid_name` would.
    private static func interface(_ f: Fields, _ req: String, _ r: NodeReader) -> String? {
        guard let n = need(f, "ifname", req, r), let name = r.string(n, "ifname") else { return nil }
        guard NetDeviceSpec.isValidInterfaceName(name) else {
            r.error(n, "'\(name)' is not an interface name (1…\(NetDeviceSpec.maxInterfaceName) characters, no '/', ':' or spaces)")
            return nil
        }
        return name
    }
}
