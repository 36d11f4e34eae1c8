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
        case .ttyPort:
            ttyObjects(&y, fixed: fixed)
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
        if e.route == .ttyPort { return ttyFunctions(&y, fixed: fixed) }
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
        case .ttyPort:
            ttyFileOperations(&y)
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
}
