/// The tty-port shape of a witness (devm-tty-port): the port is a `kref` member of the
/// container whose release is the port's destructor (`tty_port_destructor()` calling
/// `port->ops->destruct`, drivers/tty/tty_port.c), its node registered with
/// `tty_port_register_device`. Both variants open the tty before the unbind and close it
/// after; remove() does all a correct driver does (hangs the tty up, unregisters the node,
/// drops its port reference), so what the buggy variant shows is what devres adds: the last
/// close (`release_tty()` and the driver's close on `tty->port`) in freed memory. The fixed
/// variant is the lint's fix: kzalloc, a reference per open tty (`.install` /
/// `.cleanup`), and a destructor that frees the container. A nested port path is flattened
/// to one member, as for a video node.
extension WitnessScenario {
    var portMember: String { e.objectPath.isEmpty ? "port" : e.objectPath.joined(separator: "_") }

    func ttyObjects(_ y: inout YAMLLines, fixed: Bool) {
        y.line("    alloc: \(fixed ? "kzalloc" : "devm_kzalloc")")
        y.line("    members:")
        y.line("      \(portMember): {kref: \(type)_destruct}   # struct tty_port's kref; its release is the destructor")
    }

    func ttyFunctions(_ y: inout YAMLLines, fixed: Bool) {
        y.line("functions:")
        y.line(fixed ? "  \(type)_destruct: [kfree: self]   # tty_port_operations.destruct"
                     : "  \(type)_destruct: []   # devres owns the memory (the bug)")
    }

    func ttyFileOperations(_ y: inout YAMLLines) {
        let from = "{container_of: {from: port, type: \(type)}, as: priv}"
        y.line("    open:   # .install: tty_port_install() and a port reference for the tty")
        for s in [from, "tty_port_get: priv.\(portMember)"] { y.line("      - " + s) }
        y.line("    release:   # the last close: the driver's close on tty->port, then .cleanup")
        for s in [from, "read: priv.value", "tty_port_put: priv.\(portMember)"] { y.line("      - " + s) }
    }

    func ttyDriver(probe: inout [String], remove: inout [String]) {
        probe += ["tty_port_init: priv.\(portMember)",
                  "tty_port_register_device: {port: priv.\(portMember), node: \(node), fops: \(fops)}"]
        remove += ["tty_port_tty_hangup: priv.\(portMember)", "tty_unregister_device: priv.\(portMember)",
                   "tty_port_put: priv.\(portMember)"]
    }
}
