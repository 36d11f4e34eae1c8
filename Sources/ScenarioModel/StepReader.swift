import Yams

/// Reads an actor's steps: each a mapping with exactly one action keyword plus modifiers.
enum StepReader {
    static let modifiers = ["label", "after", "as", "expect"]

    static func readSteps(_ node: Node, actor: String, _ r: NodeReader) -> [StepSpec] {
        (r.list(node, "the steps of actor '\(actor)'") ?? []).compactMap { step($0, r) }
    }

    static func step(_ node: Node, _ r: NodeReader) -> StepSpec? {
        guard let f = r.mapping(node, "a step", allowed: StepAction.keywords + modifiers) else { return nil }
        let actions = f.values.filter { StepAction.keywords.contains($0.key) }
        guard actions.count == 1, let (keyword, _, argument) = actions.first else {
            if actions.isEmpty {
                r.error(node, "a step needs one action: \(StepAction.keywords.joined(separator: ", "))")
            } else {
                r.error(actions[1].keyNode, "a step has one action; found \(actions.map(\.key).joined(separator: " and "))")
            }
            return nil
        }
        guard let action = action(keyword, argument, r) else { return nil }
        var step = StepSpec(action, location: r.location(node))
        step.label = f["label"].flatMap { r.string($0, "label") }
        step.after = f["after"].flatMap { r.string($0, "after") }
        step.handle = f["as"].flatMap { r.string($0, "as") }
        if let e = f["expect"] { step.expect = ExpectReader.readStep(e, r) }
        return step
    }

    /// A scalar argument, or the `key` field of a mapping argument.
    static func scalarOr(_ node: Node, key: String, _ what: String, _ r: NodeReader, allowed: [String]) -> (String?, Fields?) {
        if case .scalar = node { return (r.string(node, what), nil) }
        guard let f = r.mapping(node, "the argument of \(what)", allowed: allowed) else { return (nil, nil) }
        guard let k = f[key] else {
            r.error(node, "\(what) needs '\(key)'")
            return (nil, f)
        }
        return (r.string(k, key), f)
    }

    static func need(_ f: Fields, _ key: String, _ what: String, _ r: NodeReader) -> Node? {
        if let n = f[key] { return n }
        r.error(f.node, "\(what) needs '\(key)'")
        return nil
    }

    static func action(_ keyword: String, _ arg: Node, _ r: NodeReader) -> StepAction? {
        switch keyword {
        case "open":
            let (path, f) = scalarOr(arg, key: "path", "open", r, allowed: ["path", "nonblock"])
            let nb = f?["nonblock"].flatMap { r.bool($0, "nonblock") } ?? false
            return path.map { .open(path: $0, nonblocking: nb) }
        case "request_lines":
            guard let f = r.mapping(arg, "request_lines", allowed: ["file", "offsets", "consumer", "output", "edges"]),
                  let file = need(f, "file", "request_lines", r).flatMap({ r.string($0, "file") }),
                  let offsets = need(f, "offsets", "request_lines", r).flatMap({ r.ints($0, "offsets") })
            else { return nil }
            let consumer = f["consumer"].flatMap { r.string($0, "consumer") } ?? "scenario"
            let output = f["output"].flatMap { r.bool($0, "output") } ?? false
            let edges = f["edges"].flatMap { r.bool($0, "edges") } ?? false
            return .requestLines(file: file, offsets: offsets, consumer: consumer, output: output, edges: edges)
        case "read":
            return r.string(arg, "read").map { .read(file: $0) }
        case "close":
            return r.string(arg, "close").map { .close(file: $0) }
        case "poll":
            let (file, f) = scalarOr(arg, key: "file", "poll", r, allowed: ["file", "timeout"])
            var timeout: UInt64? = 0
            if let t = f?["timeout"] {
                if case .scalar(let s) = t, s.string == "infinite" { timeout = nil } else { timeout = r.duration(t, "timeout") }
            }
            return file.map { .poll(file: $0, timeoutNanoseconds: timeout) }
        case "ioctl":
            return IoctlReader.ioctl(arg, r)
        case "write":
            guard let f = r.mapping(arg, "write", allowed: ["file", "data"]),
                  let file = need(f, "file", "write", r).flatMap({ r.string($0, "file") }),
                  let data = need(f, "data", "write", r).flatMap({ r.string($0, "data") })
            else { return nil }
            return .write(file: file, data: data)
        case "sleep":
            return r.duration(arg, "sleep").map { .sleep(nanoseconds: $0) }
        case "bind":
            guard let f = r.mapping(arg, "bind", allowed: ["device", "driver"]),
                  let d = need(f, "device", "bind", r).flatMap({ r.string($0, "device") }),
                  let drv = need(f, "driver", "bind", r).flatMap({ r.string($0, "driver") })
            else { return nil }
            return .bind(device: d, driver: drv)
        case "unbind":
            return r.string(arg, "unbind").map { .unbind(device: $0) }
        case "unplug":
            return r.string(arg, "unplug").map { .unplug(port: $0) }
        case "replug":
            return r.string(arg, "replug").map { .replug(port: $0) }
        case "sysfs_read":
            return r.string(arg, "sysfs_read").map { .sysfsRead(path: $0) }
        case "sysfs_write":
            guard let f = r.mapping(arg, "sysfs_write", allowed: ["path", "data"]),
                  let path = need(f, "path", "sysfs_write", r).flatMap({ r.string($0, "path") }),
                  let data = need(f, "data", "sysfs_write", r).flatMap({ r.string($0, "data") }) else { return nil }
            return .sysfsWrite(path: path, data: data)
        case "socket":
            return socket(arg, r)
        case "delete_module":
            return r.string(arg, "delete_module").map { .deleteModule(name: $0) }
        case "irq":
            guard let line = r.int(arg, "irq") else { return nil }
            guard (0...1023).contains(line) else {
                r.error(arg, "irq line must be between 0 and 1023, found \(line)")
                return nil
            }
            return .irq(line: line)
        case "driver_override":
            guard let f = r.mapping(arg, "driver_override", allowed: ["device", "driver"]),
                  let d = need(f, "device", "driver_override", r).flatMap({ r.string($0, "device") })
            else { return nil }
            var driver: String?
            if let n = f["driver"], n.null == nil { driver = r.string(n, "driver") }
            return .driverOverride(device: d, driver: driver)
        case "edge":
            guard let f = r.mapping(arg, "edge", allowed: ["chip", "offset", "edge"]),
                  let chip = need(f, "chip", "edge", r).flatMap({ r.string($0, "chip") }),
                  let offset = need(f, "offset", "edge", r).flatMap({ r.int($0, "offset") })
            else { return nil }
            var rising = true
            if let e = f["edge"], let text = r.string(e, "edge") {
                guard ["rising", "falling"].contains(text) else {
                    r.error(e, "edge must be rising or falling, found '\(text)'")
                    return nil
                }
                rising = text == "rising"
            }
            return .edge(chip: chip, offset: offset, rising: rising)
        case "wait":
            guard let f = r.mapping(arg, "wait", allowed: ["actor", "blocked_in"]),
                  let a = need(f, "actor", "wait", r).flatMap({ r.string($0, "actor") }),
                  let l = need(f, "blocked_in", "wait", r).flatMap({ r.string($0, "blocked_in") })
            else { return nil }
            return .wait(actor: a, blockedIn: l)
        case "gpiod_get":
            guard let f = r.mapping(arg, "gpiod_get", allowed: ["chip", "offset", "consumer"]),
                  let chip = need(f, "chip", "gpiod_get", r).flatMap({ r.string($0, "chip") }),
                  let offset = need(f, "offset", "gpiod_get", r).flatMap({ r.int($0, "offset") })
            else { return nil }
            return .gpiodGet(chip: chip, offset: offset, consumer: f["consumer"].flatMap { r.string($0, "consumer") } ?? "scenario")
        case "gpiod_set_value":
            guard let f = r.mapping(arg, "gpiod_set_value", allowed: ["desc", "value"]),
                  let d = need(f, "desc", "gpiod_set_value", r).flatMap({ r.string($0, "desc") }),
                  let v = need(f, "value", "gpiod_set_value", r).flatMap({ r.int($0, "value") })
            else { return nil }
            return .gpiodSetValue(desc: d, value: v != 0)
        case "gpiod_get_value":
            return r.string(arg, "gpiod_get_value").map { .gpiodGetValue(desc: $0) }
        case "gpiod_put":
            return r.string(arg, "gpiod_put").map { .gpiodPut(desc: $0) }
        case "i2c_new_client":
            guard let f = r.mapping(arg, "i2c_new_client", allowed: ["adapter", "address", "name"]),
                  let a = need(f, "adapter", "i2c_new_client", r).flatMap({ r.int($0, "adapter") }),
                  let addr = need(f, "address", "i2c_new_client", r).flatMap({ r.int($0, "address") })
            else { return nil }
            return .i2cNewClient(adapter: a, address: addr, name: f["name"].flatMap { r.string($0, "name") } ?? "client")
        case "i2c_read":
            guard let f = r.mapping(arg, "i2c_read", allowed: ["client", "count"]),
                  let c = need(f, "client", "i2c_read", r).flatMap({ r.string($0, "client") })
            else { return nil }
            return .i2cRead(client: c, count: f["count"].flatMap { r.int($0, "count") } ?? 1)
        case "i2c_client_put":
            return r.string(arg, "i2c_client_put").map { .i2cClientPut(client: $0) }
        default:
            return nil
        }
    }
}
