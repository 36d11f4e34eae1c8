/// Whether the device whose devres frees the memory can lose its driver while a file is
/// open. Sysfs `unbind` is available for every driver unless `suppress_bind_attrs` is set
/// (drivers/base/bus.c `add_bind_files`), which `__platform_driver_probe()` sets itself
/// (drivers/base/platform.c); hot-pluggable buses remove devices whatever the driver says.
/// Module unload alone does not count when the file pins the module through `fops.owner`.
struct UnbindPath: Sendable {
    var possible: Bool
    var how: String
    var file: String?
    var loc: Loc?
    /// The same, typed, for a finding's ``Evidence``; and the driver structure's name.
    var route: Evidence.UnbindRoute = .sysfs
    var driver: String?
}

extension Project {
    /// The drivers whose probe reaches `f` through at most four call levels.
    func drivers(reaching f: FunctionDef) -> [DriverInfo] {
        var frontier = [f.name]
        var seen: Set<String> = [f.name]
        for _ in 0..<5 {
            var next: [String] = []
            for name in frontier {
                if let d = drivers[name] {
                    // Prefer drivers defined near the function (static probe names repeat).
                    let dir = SourceFiles.dirname(f.file)
                    let near = d.filter { SourceFiles.dirname($0.file) == dir }
                    return near.isEmpty ? d : near
                }
                for c in callers[name] ?? [] {
                    let cf = units[c.unit].functions[c.fn]
                    if seen.insert(cf.name).inserted { next.append(cf.name) }
                }
            }
            frontier = next
            if frontier.isEmpty { break }
        }
        return []
    }

    func unbindPath(for f: FunctionDef, unit: FileUnit, fopsOwnerSet: Bool) -> UnbindPath {
        let ds = drivers(reaching: f)
        guard !ds.isEmpty else {
            return UnbindPath(possible: true,
                              how: "no driver structure found for \(f.name)(); sysfs unbind is possible by default",
                              file: nil, loc: nil)
        }
        if let hot = ds.first(where: { Project.hotplugDrivers.contains($0.typeName) }) {
            return UnbindPath(possible: true,
                              how: "\(hot.typeName) '\(hot.name)': the device can be unplugged (and unbound through sysfs) at any time",
                              file: hot.file, loc: hot.loc, route: .hotplug, driver: hot.name)
        }
        if let d = ds.first(where: { !$0.suppressBind }) {
            return UnbindPath(possible: true,
                              how: "\(d.typeName) '\(d.name)' can be unbound through sysfs (no .suppress_bind_attrs)",
                              file: d.file, loc: d.loc, driver: d.name)
        }
        let d = ds[0]
        let why = d.viaProbeHelper ? "registered with the platform_driver_probe helper (implies suppress_bind_attrs)"
                                   : "sets .suppress_bind_attrs"
        if fopsOwnerSet {
            return UnbindPath(possible: false, how: "'\(d.name)' \(why); fops.owner pins the module while a file is open",
                              file: d.file, loc: d.loc, driver: d.name)
        }
        // A module can be unloaded when it has an exit path: module_exit() or one of the
        // module_*_driver() helpers (builtin_*_driver() has none).
        let isExit = { (t: TopCall) in t.name == "module_exit" || (t.name.hasPrefix("module_") && t.name.hasSuffix("driver")) }
        let modular = unit.topCalls.contains(where: isExit) ||
            units.contains { $0.path == d.file && $0.topCalls.contains(where: isExit) }
        return UnbindPath(possible: modular,
                          how: "'\(d.name)' \(why), but the module can be unloaded while a file is open (fops has no .owner)",
                          file: d.file, loc: d.loc, route: .moduleUnload, driver: d.name)
    }
}
