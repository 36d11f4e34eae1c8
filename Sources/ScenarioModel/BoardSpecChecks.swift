/// Board-level consistency checks the validator reports (names only one kind of entry can
/// break). Cost: linear in the board.
extension BoardSpec {
    /// Every platform device the board declares by name, with where, in declaration order.
    var declaredDevices: [(name: String, location: SourceLocation?)] {
        gpioChips.map { ($0.name, $0.location) } + i2cAdapters.map { ($0.name, $0.location) }
            + spiControllers.map { ($0.name, $0.location) } + watchdogs.map { ($0.name, $0.location) }
            + miscDevices.map { ($0.name, $0.location) } + drmDevices.map { ($0.name, $0.location) }
            + videoDevices.map { ($0.name, $0.location) }
            + devices.map { ($0.name, $0.location) }
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
