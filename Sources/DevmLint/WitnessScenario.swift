/// Writes a finding's driver in the scenario language, once as the driver has it (buggy) and
/// once as the lint's fix says (fixed). The shapes follow the class pairs of
/// Scenarios/classes: P1 (embedded cdev, video node), P2 (embedded miscdevice), P3 (a global
/// cleared without the fops' lock), a stale global, a NULL dereference after remove, and a
/// tty port (WitnessTTY.swift, after Scenarios/bugs/tty-port-unregister-at-destruction).
///
/// What is modelled, and what is not: the container keeps only the member the finding names
/// (through its nesting, each level a type named by its C tag; a V4L2 path, whose levels the
/// rule does not record, is flattened to one member) and one integer the fop reads;
/// remove() always deregisters, so the witness shows the hazard that survives a correct
/// deregistration; a hot-plug removal is an unbind (the driver core runs the same remove and
/// devres release); a video node is its struct device and character device, which
/// `__video_register_device()` registers and `v4l2_open()` holds (drivers/media/v4l2-core/v4l2-dev.c).
struct WitnessScenario {
    let e: Evidence
    let rule: RuleID

    init(_ e: Evidence, rule: RuleID) { self.e = e; self.rule = rule }

    var type: String { e.container }
    /// The path from the container to the user-visible object: the real nesting when the
    /// struct tags along it are known (`hw.ports.cdev`), else one flattened member.
    var member: String {
        e.objectPath.isEmpty ? "misc" : e.objectPath.joined(separator: nested ? "." : "_")
    }
    var nested: Bool { e.objectPath.count > 1 && e.objectPathTypes.count == e.objectPath.count }
    /// Scenario type names of the levels below the container: the C tag, unless it is
    /// anonymous (`<anonymous>`, or empty) or already taken (then the container's name and
    /// the members').
    var levelTypes: [String] {
        guard nested else { return [] }
        var taken: Set<String> = [type]
        return (1..<e.objectPath.count).map { i in
            let tag = e.objectPathTypes[i]
            let named = tag.first.map { !$0.isNumber } == true && tag.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
            let name = named && !taken.contains(tag) ? tag : ([type] + e.objectPath[0..<i]).joined(separator: "_")
            taken.insert(name)
            return name
        }
    }
    /// The device node: named after the static miscdevice when there is one, else the struct.
    var node: String { String((staticMisc ?? type).prefix(24)) + "0" }
    var driver: String { e.driver ?? type + "_driver" }
    var device: String { driver + ".0" }
    var fops: String { e.fops ?? type + "_fops" }
    var global: String? { e.global.map { $0.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "->", with: "_") } }
    var staticMisc: String? { e.staticMisc.map { $0.replacingOccurrences(of: ".", with: "_") } }
    var isCdev: Bool { e.route == .embeddedCdev || e.route == .videoNode || (e.registration ?? "").hasPrefix("cdev") && e.staticMisc == nil }

    /// The scenario file's fop and the actor step that calls it: `read`, `write`, `ioctl`,
    /// `poll`, `release` (a close) or `open`. Fops the language has no call for (mmap,
    /// llseek…) are called as a read: what matters is that the call reaches the memory.
    var operation: String {
        switch e.operation ?? "read" {
        case "write", "write_iter": "write"
        case "unlocked_ioctl", "compat_ioctl", "ioctl": "ioctl"
        case "poll": "poll"
        case "release", "flush", "fasync": "release"
        case "open": "open"
        default: "read"
        }
    }

    func plan() -> Result<WitnessPlan, WitnessUnavailable> {
        switch rule {
        case .badSuppression: return .failure(WitnessUnavailable(reason: "a suppression comment has no driver to describe"))
        default: break
        }
        if (e.route == .staleGlobal || e.route == .unlockedGlobal) && global == nil {
            return .failure(WitnessUnavailable(reason: "the evidence names no global pointer"))
        }
        let wanted = [expectedKind]
        let name = "\(rule.rawValue)-\(type)"
        return .success(WitnessPlan(name: name, buggy: file(fixed: false), fixed: file(fixed: true), wanted: wanted,
                                    threads: threads))
    }

    // MARK: the file

    private func file(fixed: Bool) -> String {
        var y = YAMLLines()
        y.line("schema: devmodel/scenario@2")
        y.line("name: \(rule.rawValue)-\(type)-\(fixed ? "fixed" : "buggy")")
        y.line("description: >")
        for l in description(fixed: fixed) { y.line("  " + l) }
        objects(&y, fixed: fixed)
        globals(&y, fixed: fixed)
        functions(&y, fixed: fixed)
        fileOperations(&y, fixed: fixed)
        drivers(&y, fixed: fixed)
        y.line("board:")
        y.line("  devices: [{name: \(device), compatible: [\"lint,\(driver)\"]}]")
        actors(&y)
        y.line("expect:")
        y.line(fixed ? "  findings: 0" : "  finding_kinds: [\(expectedKind)]")
        return y.text
    }

    /// The sanitizer kind the buggy variant must show. After rmmod the fops are the unloaded
    /// module's code: the first call of an open file is a use after free of its text, before
    /// it can reach the freed memory.
    var expectedKind: String {
        if e.route == .nullAfterRemove { return "null-pointer-dereference" }
        return e.unbind == .moduleUnload ? "use-after-free" : "use-after-unbind"
    }

    private func description(fixed: Bool) -> [String] {
        let at = e.allocatedAt.map { " (\($0.file):\($0.line))" } ?? ""
        var out = ["Witness of \(rule.rawValue) for struct \(type)\(at), written by devmodel lint --witness",
                   "from the lint's evidence: \(e.route.rawValue), registered with \(e.registration ?? "misc_register"),",
                   e.operation == nil ? "held by an open file until its last close," : "reached by \(fops).\(e.operation ?? "")\(e.operationFunction.map { " (\($0)())" } ?? ""),",
                   "the device lost by \(e.unbind == .moduleUnload ? "a module unload" : e.unbind == .hotplug ? "a hot unplug (modelled as an unbind)" : "a sysfs unbind")."]
        let owner = e.unbind == .moduleUnload ? ", and .owner = THIS_MODULE, so rmmod is refused while a file is open" : ""
        out.append(fixed ? "Fixed as the lint suggests: \(fixDescription)\(owner)." : "The buggy design as the driver has it.")
        return out
    }

    private var fixDescription: String {
        switch e.route {
        case .embeddedCdev, .videoNode: "kzalloc, freed by the release callback of the struct device the open file pins"
        case .embeddedMisc: "every file operation inside CharDev's revocation fence (protection: fence)"
        case .staleGlobal, .unlockedGlobal, .nullAfterRemove: "remove() clears the pointer under a lock every file operation takes and tests"
        case .ttyPort: "kzalloc, a port reference per open tty, freed by the port's destruct at the last tty_port_put()"
        }
    }
}

/// Two-space-indented lines.
struct YAMLLines {
    var text = ""
    mutating func line(_ s: String) { text += s + "\n" }
}
