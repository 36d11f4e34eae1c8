/// The driver of a witness file (its probe and remove), the actors that use it, and the same
/// schedule as thread flows for SARIF (WitnessScenario).
extension WitnessScenario {
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
        case .ttyPort:
            ttyDriver(probe: &probe, remove: &remove)
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
        // A tty is held to its last close (its calls after the hangup answer EIO or 0).
        let cdevShaped = e.route == .embeddedCdev || e.route == .videoNode || e.route == .ttyPort
        let after = cdevShaped || e.route == .unlockedGlobal ? "" : ", after: unbind"
        if let call = call, e.route != .ttyPort, operation != "release", !(cdevShaped && operation == "open") {
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
                    WitnessStep(text: e.route == .ttyPort ? "the tty's last close reaches struct \(type) through tty->port" : "\(fop) reaches struct \(type)",
                                location: e.usedAt),
                    WitnessStep(text: "close: the last fput()", location: nil)]
        var admin = [WitnessStep(text: e.unbind == .moduleUnload ? "rmmod: the driver is unregistered" : "unbind \(driver): remove() runs", location: e.unbindAt)]
        if let c = e.clearedAt { admin.append(WitnessStep(text: "remove() clears \(e.global ?? "the driver data")", location: c)) }
        if let a = e.allocatedAt, e.allocator != nil {
            admin.append(WitnessStep(text: "devres frees struct \(type) (\(e.allocator ?? ""))", location: a))
        }
        return [WitnessThread(actor: "user", steps: user), WitnessThread(actor: "admin", steps: admin)]
    }
}
