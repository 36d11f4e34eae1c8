/// The sections of a witness file (WitnessScenario), one function per section.
extension WitnessScenario {
    /// The struct device a cdev-shaped witness embeds: the video_device's own, or the one
    /// `cdev_device_add()` (and every fixed variant) pairs with the cdev.
    var deviceMember: String? {
        if e.route == .videoNode { return member }
        return e.route == .embeddedCdev && e.registration == "cdev_device_add" ? "dev" : nil
    }
    var cdevMember: String { e.route == .videoNode ? member + "_cdev" : member }
    var usesGlobal: Bool { [.staleGlobal, .unlockedGlobal].contains(e.route) || (e.route == .nullAfterRemove && global != nil) }
    var miscPath: String { staticMisc.map { "\"@\($0)\"" } ?? "priv.\(member)" }
    var nullMisc: String { staticMisc ?? type + "_misc" }
    /// The lock of the fixed variant: the driver's own when its fop already takes one.
    var lock: String { e.operationLock ?? "lint_lock" }
    var guardedRoute: Bool { [.staleGlobal, .unlockedGlobal, .nullAfterRemove].contains(e.route) }

    func objects(_ y: inout YAMLLines, fixed: Bool) {
        y.line("objects:")
        y.line("  \(type):")
        switch e.route {
        case .embeddedCdev, .videoNode:
            y.line("    alloc: \(fixed ? "kzalloc" : "devm_kzalloc")")
            y.line("    members:")
            if let d = fixed ? (deviceMember ?? "dev") : deviceMember { y.line("      \(d): {device: \(type)_release}") }
            leaf(&y, cdevMember, "cdev")
        case .embeddedMisc:
            y.line("    alloc: devm_kzalloc")
            y.line("    members:")
            leaf(&y, member, "miscdevice")
        case .staleGlobal, .unlockedGlobal:
            y.line("    alloc: devm_kzalloc")
            y.line("    members:")
            if staticMisc == nil { leaf(&y, member, "miscdevice") }
        case .nullAfterRemove:
            y.line("    alloc: static")
            y.line("    members:")
        }
        y.line("      value: data")
        let types = levelTypes
        for (i, t) in types.enumerated() {
            y.line("  \(t):")
            y.line("    members:")
            let m = e.objectPath[i + 1]
            y.line(i + 1 < types.count ? "      \(m): {embedded: \(types[i + 1])}" : "      \(m): \(leafKind)")
        }
    }

    /// The user-visible object's member in the container: itself, or the first embedded level.
    private func leaf(_ y: inout YAMLLines, _ name: String, _ kind: String) {
        y.line(nested ? "      \(e.objectPath[0]): {embedded: \(levelTypes[0])}" : "      \(name): \(kind)")
    }
    private var leafKind: String { e.route == .embeddedCdev ? "cdev" : "miscdevice" }

    /// `container_of` from the object back to the container, one level at a time.
    func containerOf(_ from: String) -> [String] {
        let chain = [type] + levelTypes
        var out: [String] = []
        var at = from
        for i in stride(from: chain.count - 1, through: 0, by: -1) {
            let name = i == 0 ? "priv" : "level\(i)"
            out.append("{container_of: {from: \(at), type: \(chain[i])}, as: \(name)}")
            at = name
        }
        return out
    }

    func globals(_ y: inout YAMLLines, fixed: Bool) {
        var lines: [String] = []
        if usesGlobal, let g = global { lines.append("\(g): {pointer: \(type)}") }
        if let m = staticMisc, e.route != .nullAfterRemove { lines.append("\(m): miscdevice") }
        if e.route == .nullAfterRemove { lines.append(isCdev ? "\(type)_cdev: cdev" : "\(nullMisc): miscdevice") }
        if guardedRoute && (fixed || e.operationLock != nil) { lines.append("\(lock): mutex") }
        guard !lines.isEmpty else { return }
        y.line("globals:")
        for l in lines { y.line("  " + l) }
    }

    func functions(_ y: inout YAMLLines, fixed: Bool) {
        guard e.route == .embeddedCdev || e.route == .videoNode, fixed || deviceMember != nil else { return }
        y.line("functions:")
        y.line(fixed ? "  \(type)_release: [kfree: self]" : "  \(type)_release: []   # devres owns the memory (the bug)")
    }

    func fileOperations(_ y: inout YAMLLines, fixed: Bool) {
        y.line("fops:")
        y.line("  \(fops):")
        // Past suppressed bind attributes only rmmod takes the device away: `.owner =
        // THIS_MODULE` pins the module while a file is open, which is the fix on that route.
        if fixed && e.unbind == .moduleUnload { y.line("    owner: true") }
        let use = ["read: priv.value"]
        var locked: [String] { fixed || e.operationLock != nil ? ["guard: \"@\(lock)\""] : [] }
        switch e.route {
        case .embeddedCdev, .videoNode:
            y.line("    open:")
            for step in containerOf("inode") { y.line("      - " + step) }
            y.line("      - set_private_data: priv")
            let op = operation == "open" ? "release" : operation
            steps(&y, op, ["private_data: priv"] + use)
        case .embeddedMisc:
            y.line("    protection: \(fixed ? "fence" : "none")")
            let reach = ["private_data: m"] + containerOf("m")
            if operation == "open" {
                steps(&y, "open", reach + ["set_private_data: priv"])
                steps(&y, "release", ["private_data: priv"] + use)
            } else {
                steps(&y, operation, reach + use)
            }
        case .staleGlobal, .unlockedGlobal:
            let load = "{read: \"@\(global ?? "")\", as: priv}"
            let check = fixed || e.route == .unlockedGlobal || e.operationTests ? ["{check: priv, errno: ENODEV}"] : []
            steps(&y, operation, locked + [load] + check + use)
        case .nullAfterRemove:
            let load = global.map { "{read: \"@\($0)\", as: priv}" } ?? "get_drvdata: priv"
            steps(&y, operation, locked + [load] + (fixed ? ["{check: priv, errno: ENODEV}"] : []) + use)
        }
    }

    /// One fop's steps; the fop the lint found is labelled with its C function.
    private func steps(_ y: inout YAMLLines, _ op: String, _ steps: [String]) {
        let c = op == operation ? e.operationFunction.map { "   # .\(e.operation ?? op) = \($0)()" } ?? "" : ""
        y.line("    \(op):\(c)")
        for s in steps { y.line("      - " + s) }
    }

    func drivers(_ y: inout YAMLLines, fixed: Bool) {
        y.line("drivers:")
        y.line("  \(driver):")
        y.line("    compatible: [\"lint,\(driver)\"]")
        if e.unbind == .moduleUnload { y.line("    module: \(driver)") }
        var probe = ["{alloc: \(type), as: priv}"]
        var remove = ["get_drvdata: priv"]
        let g = global.map { "\"@\($0)\"" } ?? ""
        let clear = (fixed ? ["guard: \"@\(lock)\""] : []) + ["write: {to: \(g), value: NULL}"]
        switch e.route {
        case .embeddedCdev, .videoNode:
            let dev = fixed ? (deviceMember ?? "dev") : deviceMember
            if let dev { probe.append("{device_initialize: priv.\(dev), unwind: [put_device: priv.\(dev)]}") }
            probe.append("cdev_init: {cdev: priv.\(cdevMember), fops: \(fops)}")
            if let dev {
                probe.append("cdev_device_add: {cdev: priv.\(cdevMember), device: priv.\(dev), node: \(node)}")
                remove += ["cdev_device_del: {cdev: priv.\(cdevMember), device: priv.\(dev)}", "put_device: priv.\(dev)"]
            } else {
                probe.append("cdev_add: {cdev: priv.\(cdevMember), node: \(node)}")
                remove.append("cdev_del: priv.\(cdevMember)")
            }
        case .embeddedMisc:
            probe.append("misc_register: {misc: priv.\(member), node: \(node), fops: \(fops)}")
            remove.append("misc_deregister: priv.\(member)")
        case .staleGlobal, .unlockedGlobal:
            probe += ["write: {to: \(g), value: priv}", "misc_register: {misc: \(miscPath), node: \(node), fops: \(fops)}"]
            remove.append("misc_deregister: \(miscPath)")
            if fixed || e.route == .unlockedGlobal { remove += clear }
        case .nullAfterRemove:
            if usesGlobal { probe.append("write: {to: \(g), value: priv}") }
            if isCdev {
                probe += ["cdev_init: {cdev: \"@\(type)_cdev\", fops: \(fops)}", "cdev_add: {cdev: \"@\(type)_cdev\", node: \(node)}"]
                remove.append("cdev_del: \"@\(type)_cdev\"")
            } else {
                probe.append("misc_register: {misc: \"@\(nullMisc)\", node: \(node), fops: \(fops)}")
                remove.append("misc_deregister: \"@\(nullMisc)\"")
            }
            // The driver core clears the driver data itself after remove (drivers/base/dd.c).
            if usesGlobal { remove += clear }
        }
        probe.append("set_drvdata: priv")
        y.line("    probe:   # \(e.probe)()")
        for s in probe { y.line("      - " + s) }
        y.line("    remove:\(e.remove.map { "   # \($0)() clears the pointer" } ?? "")")
        for s in remove { y.line("      - " + s) }
    }

    /// The user opens the node and calls the fop; the administrator takes the device away.
    /// A call that needs the memory gone comes after the unbind; a race (a global cleared
    /// without the fops' lock) runs unordered, and the explorer finds the window.
    func actors(_ y: inout YAMLLines) {
        y.line("actors:")
        y.line("  user:")
        y.line("    - {open: /dev/\(node), as: f, label: opened}")
        let cdevShaped = e.route == .embeddedCdev || e.route == .videoNode
        let after = cdevShaped || e.route == .unlockedGlobal ? "" : ", after: unbind"
        if let call = call, operation != "release", !(cdevShaped && operation == "open") {
            y.line("    - {\(call)\(after)}")
        }
        y.line("    - {close: f\(cdevShaped || operation == "release" || operation == "open" ? ", after: unbind" : "")}")
        y.line("  admin:")
        let take = e.unbind == .moduleUnload ? "delete_module: \(driver)" : "unbind: \(device)"
        y.line("    - {\(take), after: opened, label: unbind}")
    }

    private var call: String? {
        switch operation {
        case "read": "read: f"
        case "write": "write: {file: f, data: \"x\"}"
        case "ioctl": "ioctl: {file: f, request: fionread}"
        case "poll": "poll: f"
        default: nil
        }
    }

    /// The schedule as SARIF thread flows: each actor's steps at the C lines they run.
    var threads: [WitnessThread] {
        let fop = "\(fops).\(e.operation ?? "read")" + (e.operationFunction.map { " = \($0)()" } ?? "")
        let user = [WitnessStep(text: "open /dev/\(node) (\(e.registration ?? "misc_register") registered it)", location: e.registeredAt),
                    WitnessStep(text: "\(fop) reaches struct \(type)", location: e.usedAt),
                    WitnessStep(text: "close: the last fput()", location: nil)]
        var admin = [WitnessStep(text: e.unbind == .moduleUnload ? "rmmod: the driver is unregistered" : "unbind \(driver): remove() runs", location: e.unbindAt)]
        if let c = e.clearedAt { admin.append(WitnessStep(text: "remove() clears \(e.global ?? "the driver data")", location: c)) }
        if let a = e.allocatedAt, e.allocator != nil {
            admin.append(WitnessStep(text: "devres frees struct \(type) (\(e.allocator ?? ""))", location: a))
        }
        return [WitnessThread(actor: "user", steps: user), WitnessThread(actor: "admin", steps: admin)]
    }
}
