/// Registration wrappers: functions whose body reaches `misc_register`, `cdev_add` or
/// `cdev_device_add`, directly or through other functions, wherever they are defined.
/// A driver often registers through a subsystem helper one folder up
/// (drivers/staging/fieldbus/anybuss/hms-profinet.c calls `fieldbus_dev_register()`, which
/// reaches `cdev_add()` in drivers/staging/fieldbus/dev_core.c).
///
/// Built once per run from the parsed units by walking the caller table upwards from the
/// primitives: cost linear in the call edges visited, at most `maxDepth` levels.
struct RegistrationIndex: Sendable {
    static let primitives: [String: UserObjectKind] = [
        "misc_register": .miscdevice, "cdev_add": .cdev, "cdev_device_add": .cdev,
    ]
    static let maxDepth = 4

    /// Function name → the units that hold the primitive calls it reaches. Only functions
    /// other files can call (not `static`) are keyed: a static helper is found through its
    /// own file, which the analysis already reads.
    let wrappers: [String: Set<Int>]

    /// `primitives` names the registration calls to walk up from: the user-visible objects'
    /// by default; the tty rule builds its own index from the tty port registrations
    /// (`Analyzer.ttyPortRegistrations`).
    init(units: [FileUnit], functions: [String: [FnRef]], callers: [String: [FnRef]],
         primitives: [String] = Array(RegistrationIndex.primitives.keys)) {
        var reach: [String: Set<Int>] = [:]   // "unit:fn" → units with the primitive call
        var frontier: [(FnRef, Set<Int>)] = []
        for p in primitives {
            for r in callers[p] ?? [] { frontier.append((r, [r.unit])) }
        }
        var wrappers: [String: Set<Int>] = [:]
        for _ in 0..<RegistrationIndex.maxDepth {
            var next: [(FnRef, Set<Int>)] = []
            for (r, where_) in frontier {
                let key = "\(r.unit):\(r.fn)"
                let before = reach[key]?.count ?? -1
                reach[key, default: []].formUnion(where_)
                guard (reach[key]?.count ?? 0) > before else { continue }
                let f = units[r.unit].functions[r.fn]
                if !f.isStatic { wrappers[f.name, default: []].formUnion(where_) }
                for c in callers[f.name] ?? [] {
                    // A static function is only callable from its own file.
                    if f.isStatic && c.unit != r.unit { continue }
                    next.append((c, where_))
                }
            }
            frontier = next
            if frontier.isEmpty { break }
        }
        self.wrappers = wrappers
    }
}
