import DriverDescription
import Instrumentation
import Yams

/// Reads the steps of a described probe, remove, file operation or function: each a mapping
/// with one kernel-function keyword and its modifiers (`as:`, `arg:`, `errno:`, `drm:`).
enum StepListReader {
    static let modifiers = ["as", "arg", "errno", "drm", "on", "unwind"]
    /// Keywords that mean the same operation.
    static let refcountKeywords: [String: @Sendable (MemberPath) -> Operation] = [
        "kref_init": Operation.refInit, "device_initialize": Operation.refInit,
        "kref_get": Operation.refGet, "get_device": Operation.refGet,
        "kref_put": Operation.refPut, "put_device": Operation.refPut,
        // DRM: drm_dev_init (devm_drm_dev_alloc's), drm_dev_get, drm_dev_put
        "drm_dev_init": Operation.refInit, "drm_dev_get": Operation.refGet, "drm_dev_put": Operation.refPut,
    ]
    static let pathKeywords: [String: @Sendable (MemberPath) -> Operation] = refcountKeywords.merging([
        "kfree": Operation.kfree, "init_waitqueue_head": Operation.initWaitQueue, "mutex_init": Operation.mutexInit,
        "misc_deregister": Operation.miscDeregister, "cdev_del": Operation.cdevDel, "set_drvdata": Operation.setDrvdata, "wake_up": Operation.wakeUp,
        "mutex_lock": Operation.mutexLock, "guard": Operation.guardLock, "mutex_unlock": Operation.mutexUnlock, "set_private_data": Operation.setPrivateData,
        "revoke": Operation.revoke,
        // DRM
        "drm_dev_unregister": Operation.drmDevUnregister, "drm_dev_unplug": Operation.drmDevUnplug,
    ]) { a, _ in a }.merging(ttyAndMMCPathKeywords) { a, _ in a }.merging(netPathKeywords) { a, _ in a }
    // TTY and MMC: the port's refcount steps and the steps on a port or a host.
    static let ttyAndMMCPathKeywords: [String: @Sendable (MemberPath) -> Operation] = [
        "tty_port_init": Operation.refInit, "tty_port_get": Operation.refGet, "tty_port_put": Operation.refPut,
        "tty_unregister_device": Operation.ttyUnregisterDevice, "tty_port_tty_hangup": Operation.ttyPortTTYHangup,
        "mmc_add_host": Operation.mmcAddHost, "mmc_remove_host": Operation.mmcRemoveHost, "mmc_free_host": Operation.mmcFreeHost,
    ]
    // Net
    static let netPathKeywords: [String: @Sendable (MemberPath) -> Operation] = [
        "unregister_netdev": Operation.unregisterNetdev, "free_netdev": Operation.freeNetdev,
        "dev_hold": Operation.devHold, "dev_put": Operation.devPut,
    ]
    static let otherKeywords = ["try_module_get", "module_put", "device_create_file", "device_remove_file", "devm_add_action_or_reset", "request_irq", "devm_request_irq", "free_irq", "alloc", "cdev_init", "cdev_add", "cdev_device_add", "cdev_device_del", "misc_register",
                                "devm_add_action", "get_drvdata", "idr_alloc", "idr_remove", "idr_find", "read", "write",
                                "wait_event", "private_data", "container_of", "check", "return", "call", "revocable_access",
                                // TTY and MMC
                                "tty_port_register_device", "mmc_alloc_host", "devm_mmc_alloc_host",
                                // DRM
                                "drm_dev_register", "drm_dev_enter",
                                // V4L2
                                "video_register_device", "media_devnode_register", "video_unregister_device",
                                "media_devnode_unregister"]
    static let netKeywords = ["alloc_etherdev", "devm_alloc_etherdev", "register_netdev", "devm_register_netdev"]
    static var keywords: [String] { (pathKeywords.keys.sorted() + otherKeywords + netKeywords).sorted() }

    static func steps(_ node: Node, _ what: String, _ r: NodeReader) -> [Step] {
        if case .mapping(let m) = node, m.isEmpty { return [] }
        return (r.list(node, "the steps of \(what)") ?? []).compactMap { step($0, r) }
    }

    static func step(_ node: Node, _ r: NodeReader) -> Step? {
        guard let f = r.mapping(node, "a step", allowed: keywords + modifiers + ["locked"]) else { return nil }
        let ops = f.values.filter { keywords.contains($0.key) }
        guard ops.count == 1, let (keyword, _, argument) = ops.first else {
            if ops.isEmpty { r.error(node, "a step needs one kernel function: \(keywords.joined(separator: ", "))") } else {
                r.error(ops[1].keyNode, "a step has one kernel function; found \(ops.map(\.key).joined(separator: " and "))")
            }
            return nil
        }
        guard let op = operation(keyword, argument, f, r) else { return nil }
        let unwind = f["unwind"].map { steps($0, "unwind", r) } ?? []
        return Step(op, unwind: unwind, location: DescriptionReader.location(node, r))
    }

    static func path(_ node: Node, _ what: String, _ r: NodeReader) -> MemberPath? {
        guard let s = r.string(node, what) else { return nil }
        guard let p = MemberPath(parsing: s) else {
            r.error(node, "\(what): '\(s)' is not a path like priv, priv.member or @global.member")
            return nil
        }
        return p
    }

    static func required(_ f: Fields?, _ key: String, _ what: String, _ node: Node, _ r: NodeReader) -> Node? {
        if let n = f?[key] { return n }
        r.error(node, "\(what) needs '\(key)'")
        return nil
    }

    static func errnoName(_ node: Node?, default d: String, _ r: NodeReader) -> String? {
        guard let node else { return d }
        guard let s = r.string(node, "errno") else { return nil }
        guard Errno(name: s) != nil else {
            r.error(node, "unknown errno '\(s)'")
            return nil
        }
        return s
    }

    static func value(_ node: Node, _ r: NodeReader) -> StepValue? {
        if case .scalar(let s) = node {
            if node.null != nil && s.style == .plain || s.string == "NULL" { return .null }
            if let i = node.int { return .integer(i) }
        }
        return path(node, "value", r).map(StepValue.reference)
    }

    // swiftlint:disable:next cyclomatic_complexity
    static func operation(_ keyword: String, _ a: Node, _ step: Fields, _ r: NodeReader) -> Operation? {
        if let make = pathKeywords[keyword] { return path(a, keyword, r).map(make) }
        let asName = step["as"].flatMap { r.string($0, "as") }
        let arg = step["arg"].flatMap { path($0, "arg", r) }
        func fields(_ allowed: [String]) -> Fields? { r.mapping(a, "the argument of \(keyword)", allowed: allowed) }
        func needAs() -> String? {
            if asName == nil { r.error(step.node, "\(keyword) needs 'as:' (the local it sets)") }
            return asName
        }
        if netKeywords.contains(keyword) { return netOperation(keyword, a, asName: asName, step, r) }
        switch keyword {
        case "alloc":
            guard let type = r.string(a, "alloc"), let name = needAs() else { return nil }
            return .alloc(type: type, as: name, managedBy: step["drm"].flatMap { path($0, "drm", r) },
                          on: step["on"].flatMap { r.string($0, "on") })
        case "cdev_init":
            let f = fields(["cdev", "fops"])
            guard let c = required(f, "cdev", keyword, a, r).flatMap({ path($0, "cdev", r) }),
                  let fops = required(f, "fops", keyword, a, r).flatMap({ r.string($0, "fops") }) else { return nil }
            return .cdevInit(c, fops: fops)
        case "cdev_device_add", "cdev_device_del":
            let f = fields(keyword == "cdev_device_add" ? ["cdev", "device", "node"] : ["cdev", "device"])
            guard let c = required(f, "cdev", keyword, a, r).flatMap({ path($0, "cdev", r) }),
                  let d = required(f, "device", keyword, a, r).flatMap({ path($0, "device", r) }) else { return nil }
            if keyword == "cdev_device_del" { return .cdevDeviceDel(cdev: c, device: d) }
            guard let node = required(f, "node", keyword, a, r).flatMap({ r.string($0, "node") }) else { return nil }
            return .cdevDeviceAdd(cdev: c, device: d, node: node)
        case "cdev_add":
            let f = fields(["cdev", "node"])
            guard let c = required(f, "cdev", keyword, a, r).flatMap({ path($0, "cdev", r) }),
                  let node = required(f, "node", keyword, a, r).flatMap({ r.string($0, "node") }) else { return nil }
            return .cdevAdd(c, node: node)
        case "misc_register":
            let f = fields(["misc", "node", "fops"])
            guard let m = required(f, "misc", keyword, a, r).flatMap({ path($0, "misc", r) }),
                  let node = required(f, "node", keyword, a, r).flatMap({ r.string($0, "node") }),
                  let fops = required(f, "fops", keyword, a, r).flatMap({ r.string($0, "fops") }) else { return nil }
            return .miscRegister(m, node: node, fops: fops)
        case "devm_add_action", "devm_add_action_or_reset":
            return r.string(a, keyword).map { .devmAddAction(function: $0, argument: arg, orReset: keyword == "devm_add_action_or_reset") }
        case "request_irq", "devm_request_irq":
            let f = fields(["line", "handler"])
            guard let line = required(f, "line", keyword, a, r).flatMap({ r.int($0, "line") }),
                  let handler = required(f, "handler", keyword, a, r).flatMap({ r.string($0, "handler") }) else { return nil }
            return .requestIRQ(line: line, handler: handler, argument: arg, managed: keyword == "devm_request_irq")
        case "try_module_get", "module_put":
            guard let name = r.string(a, keyword) else { return nil }
            let module = name == "THIS_MODULE" ? nil : name
            return keyword == "module_put" ? .modulePut(module) : .moduleGet(module)
        case "device_create_file":
            let f = fields(["name", "show", "store"])
            guard let name = required(f, "name", keyword, a, r).flatMap({ r.string($0, "name") }) else { return nil }
            return .deviceCreateFile(name: name, show: f?["show"].flatMap { r.string($0, "show") },
                                     store: f?["store"].flatMap { r.string($0, "store") })
        case "device_remove_file":
            return r.string(a, keyword).map { .deviceRemoveFile(name: $0) }
        case "free_irq":
            return r.int(a, keyword).map { .freeIRQ(line: $0) }
        case "call":
            return r.string(a, keyword).map { .call(function: $0, argument: arg) }
        case "get_drvdata", "private_data":
            guard let name = r.string(a, keyword) else { return nil }
            return keyword == "get_drvdata" ? .getDrvdata(as: name) : .privateData(as: name)
        case "idr_alloc", "idr_remove", "idr_find":
            let f = fields(keyword == "idr_alloc" ? ["table", "key", "value"] : keyword == "idr_find" ? ["table", "key", "get"] : ["table", "key"])
            guard let t = required(f, "table", keyword, a, r).flatMap({ path($0, "table", r) }),
                  let key = required(f, "key", keyword, a, r).flatMap({ r.int($0, "key") }) else { return nil }
            switch keyword {
            case "idr_alloc":
                guard let v = required(f, "value", keyword, a, r).flatMap({ path($0, "value", r) }) else { return nil }
                return .tableInsert(table: t, key: key, value: v)
            case "idr_remove":
                return .tableRemove(table: t, key: key)
            default:
                guard let name = needAs() else { return nil }
                let locked = step["locked"].flatMap { r.bool($0, "locked") } ?? true
                return .tableLookup(table: t, key: key, as: name, locked: locked, get: f?["get"].flatMap { r.string($0, "get") })
            }
        case "read":
            return path(a, keyword, r).map { .read($0, as: asName) }
        case "write":
            let f = fields(["to", "value"])
            guard let to = required(f, "to", keyword, a, r).flatMap({ path($0, "to", r) }),
                  let v = required(f, "value", keyword, a, r).flatMap({ value($0, r) }) else { return nil }
            return .write(to, v)
        case "wait_event":
            let f = fields(["queue", "until", "timeout"])
            guard let q = required(f, "queue", keyword, a, r).flatMap({ path($0, "queue", r) }),
                  let until = required(f, "until", keyword, a, r).flatMap({ path($0, "until", r) }) else { return nil }
            return .waitEvent(q, until: until, timeoutNanoseconds: f?["timeout"].flatMap { r.duration($0, "timeout") })
        case "container_of":
            let f = fields(["from", "type"])
            guard let from = required(f, "from", keyword, a, r).flatMap({ path($0, "from", r) }),
                  let type = required(f, "type", keyword, a, r).flatMap({ r.string($0, "type") }),
                  let name = needAs() else { return nil }
            return .containerOf(from: from, type: type, as: name)
        case "check":
            guard let p = path(a, keyword, r), let e = errnoName(step["errno"], default: "ENODEV", r) else { return nil }
            return .check(p, errno: e)
        case "return":
            return errnoName(a, default: "EINVAL", r).map { .fail(errno: $0) }
        // TTY and MMC
        case "tty_port_register_device":
            let f = fields(["port", "node", "fops"])
            guard let port = required(f, "port", keyword, a, r).flatMap({ path($0, "port", r) }),
                  let node = required(f, "node", keyword, a, r).flatMap({ r.string($0, "node") }),
                  let fops = required(f, "fops", keyword, a, r).flatMap({ r.string($0, "fops") }) else { return nil }
            return .ttyPortRegisterDevice(port: port, node: node, fops: fops)
        case "mmc_alloc_host", "devm_mmc_alloc_host":
            guard let type = r.string(a, keyword), let name = needAs() else { return nil }
            return .mmcAllocHost(type: type, as: name, managed: keyword == "devm_mmc_alloc_host")
        // DRM
        case "drm_dev_register":
            let f = fields(["drm", "node", "fops"])
            guard let d = required(f, "drm", keyword, a, r).flatMap({ path($0, "drm", r) }),
                  let node = required(f, "node", keyword, a, r).flatMap({ r.string($0, "node") }),
                  let fops = required(f, "fops", keyword, a, r).flatMap({ r.string($0, "fops") }) else { return nil }
            return .drmDevRegister(d, node: node, fops: fops)
        case "drm_dev_enter":
            let f = fields(["drm", "steps"])
            guard let d = required(f, "drm", keyword, a, r).flatMap({ path($0, "drm", r) }),
                  let body = required(f, "steps", keyword, a, r) else { return nil }
            return .drmDevEnter(d, steps: steps(body, "drm_dev_enter", r))
        // V4L2
        case "video_register_device", "media_devnode_register":
            let f = fields(["dev", "node", "fops"])
            guard let d = required(f, "dev", keyword, a, r).flatMap({ path($0, "dev", r) }),
                  let node = required(f, "node", keyword, a, r).flatMap({ r.string($0, "node") }),
                  let fops = required(f, "fops", keyword, a, r).flatMap({ r.string($0, "fops") }) else { return nil }
            return .videoRegisterDevice(d, node: node, fops: fops, media: keyword == "media_devnode_register")
        case "video_unregister_device", "media_devnode_unregister":
            return path(a, keyword, r).map { .videoUnregisterDevice($0, media: keyword == "media_devnode_unregister") }
        default:  // revocable_access
            let f = fields(["fence", "steps"])
            guard let fence = required(f, "fence", keyword, a, r).flatMap({ path($0, "fence", r) }),
                  let body = required(f, "steps", keyword, a, r) else { return nil }
            return .revocableAccess(fence, steps: steps(body, "revocable_access", r))
        }
    }

    // Net
    /// `alloc_etherdev: TYPE` (with `as:`), `register_netdev: {netdev, ndo_open, ndo_stop,
    /// ndo_start_xmit}` and their devm forms.
    static func netOperation(_ keyword: String, _ a: Node, asName: String?, _ step: Fields, _ r: NodeReader) -> Operation? {
        let managed = keyword.hasPrefix("devm_")
        if keyword.hasSuffix("alloc_etherdev") {
            guard let type = r.string(a, keyword) else { return nil }
            guard let asName else {
                r.error(step.node, "\(keyword) needs 'as:' (the local it sets)")
                return nil
            }
            return .allocEtherdev(priv: type, as: asName, managed: managed)
        }
        guard let f = r.mapping(a, "the argument of \(keyword)", allowed: ["netdev", "ndo_open", "ndo_stop", "ndo_start_xmit"]),
              let dev = required(f, "netdev", keyword, a, r).flatMap({ path($0, "netdev", r) }) else { return nil }
        let ops = NetdevOpsNames(open: f["ndo_open"].flatMap { r.string($0, "ndo_open") },
                                 stop: f["ndo_stop"].flatMap { r.string($0, "ndo_stop") },
                                 startXmit: f["ndo_start_xmit"].flatMap { r.string($0, "ndo_start_xmit") })
        return .registerNetdev(dev, ops: ops, managed: managed)
    }
}
