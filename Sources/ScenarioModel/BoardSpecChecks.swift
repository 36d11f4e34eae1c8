/// Board-level consistency checks the validator reports (names only one kind of entry can
/// break). Cost: linear in the board.
extension BoardSpec {
    /// Every platform device the board declares by name, with where, in declaration order.
    var declaredDevices: [(name: String, location: SourceLocation?)] {
        gpioChips.map { ($0.name, $0.location) } + i2cAdapters.map { ($0.name, $0.location) }
            + spiControllers.map { ($0.name, $0.location) } + watchdogs.map { ($0.name, $0.location) }
            + miscDevices.map { ($0.name, $0.location) } + serialPorts.map { ($0.name, $0.location) }
            + mmcHosts.map { ($0.name, $0.location) } + netDevices.map { ($0.name, $0.location) }
            + usbGadgets.map { ($0.udc, $0.location) } + drmDevices.map { ($0.name, $0.location) }
            + videoDevices.map { ($0.name, $0.location) }
            + devices.map { ($0.name, $0.location) }
    }

    /// The modules the board loads: softdog when its watchdogs are built as one.
    public var moduleNames: [String] { watchdogs.contains(where: \.module) ? [WatchdogSpec.softdogModule] : [] }

    /// Watchdogs that disagree on `module`: softdog is one driver, built in or a module.
    var watchdogModuleConflicts: [(location: SourceLocation?, message: String)] {
        guard let first = watchdogs.first else { return [] }
        return watchdogs.filter { $0.module != first.module }.map {
            ($0.location, "watchdog '\($0.name)': every watchdog of a board is a module or none is (one softdog driver serves them all)")
        }
    }

    /// Misc devices whose node or static minor is already taken: misc_register would refuse
    /// them at probe (EEXIST/EBUSY, drivers/char/misc.c), so the board could not be built.
    var miscConflicts: [(location: SourceLocation?, message: String)] {
        var out: [(SourceLocation?, String)] = []
        let others = Set(numberedNodeNames)
        var nodes = Set<String>()
        var minors = Set<Int>()
        for m in miscDevices {
            if others.contains(m.node) || !nodes.insert(m.node).inserted {
                out.append((m.location, "misc node '\(m.node)' is already a node of this board"))
            }
            if let minor = m.minor, !minors.insert(minor).inserted {
                out.append((m.location, "misc minor \(minor) is taken by another misc device"))
            }
        }
        return out
    }
}
