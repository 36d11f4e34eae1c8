import Foundation
import Synchronization

/// A driver structure (`struct platform_driver foo = { .probe = … }`) or a
/// `platform_driver_probe()` registration, as far as unbinding is concerned.
struct DriverInfo: Sendable {
    var name: String
    var typeName: String
    var probe: String
    /// `.driver.suppress_bind_attrs = true`, or implied by the `platform_driver_probe` helpers.
    var suppressBind: Bool
    var viaProbeHelper: Bool
    var file: String
    var loc: Loc
}

/// A function by unit and index, in 8 bytes (the callers index holds one per call edge).
struct FnRef: Sendable, Equatable {
    private var unit32: Int32
    private var fn32: Int32
    var unit: Int { Int(unit32) }
    var fn: Int { Int(fn32) }
    init(unit: Int, fn: Int) { unit32 = Int32(unit); fn32 = Int32(fn) }
}

extension Array where Element == FnRef {
    mutating func appendUnlessLast(_ r: FnRef) {
        if last != r { append(r) }
    }
}

/// Cross-file tables over every parsed unit: functions and callers by name, initialised
/// globals by name, drivers by probe function. Built once after the parallel parse.
final class Project: Sendable {
    let units: [FileUnit]
    let index: StructIndex
    let functions: [String: [FnRef]]
    let callers: [String: [FnRef]]
    let globals: [String: [Int]]
    let drivers: [String: [DriverInfo]]
    let registrations: RegistrationIndex
    /// Wrappers of the tty port registrations (devm-tty-port, TTYPort.swift).
    let ttyRegistrations: RegistrationIndex
    /// Folder → indices of its units: "same folder" lookups run per allocation and must not
    /// scan (and retain) every unit of the run.
    let unitsByDir: [String: [Int]]
    private let userObjectMemo = Mutex<[String: [UserObject]]>([:])
    private let structMemo = Mutex<[StructKey: StructDef?]>([:])

    /// A type name as seen from one unit. Keyed by the unit's identity, not its path: the
    /// path-plus-name string this replaced was built and hashed (70 bytes) on every one of
    /// the analysis's millions of lookups.
    private struct StructKey: Hashable {
        var unit: ObjectIdentifier
        var isStruct: Bool
        var name: String
    }

    static let hotplugDrivers: Set<String> = [
        "usb_driver", "pci_driver", "hid_driver", "sdio_driver", "pcmcia_driver", "mhi_driver",
        "virtio_driver", "greybus_driver", "usb_device_driver", "usb_serial_driver", "tb_service_driver",
    ]

    init(units: [FileUnit], resolver: IncludeResolver) {
        self.units = units
        self.index = StructIndex(resolver: resolver)
        // The two halves share nothing and run on two workers: this runs between the
        // parallel phases, so all of its time is wall time. The caller table (one entry per
        // call of every parsed function) is most of it and has a half of its own.
        let byName = Mutex<(functions: [String: [FnRef]], callers: [String: [FnRef]])>(([:], [:]))
        let byDriver = Mutex<(globals: [String: [Int]], drivers: [String: [DriverInfo]], byDir: [String: [Int]])>(([:], [:], [:]))
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            if half == 0 {
                let callers = Project.callerTable(units)
                byName.withLock { $0.callers = callers }
            } else {
                let functions = Project.functionTable(units)
                let (globals, drivers) = Project.driverTables(units)
                var byDir: [String: [Int]] = [:]
                for (i, u) in units.enumerated() { byDir[SourceFiles.dirname(u.path), default: []].append(i) }
                byName.withLock { $0.functions = functions }
                byDriver.withLock { $0 = (globals, drivers, byDir) }
            }
        }
        (functions, callers) = byName.withLock { ($0.functions, $0.callers) }
        registrations = RegistrationIndex(units: units, functions: functions, callers: callers)
        ttyRegistrations = RegistrationIndex(units: units, functions: functions, callers: callers,
                                             primitives: Array(Analyzer.ttyPortRegistrations))
        (globals, drivers, unitsByDir) = byDriver.withLock { ($0.globals, $0.drivers, $0.byDir) }
    }

    /// Functions by name, and the functions calling each name (each caller once, in unit
    /// and function order).
    /// Function name → its definitions, in unit order.
    private static func functionTable(_ units: [FileUnit]) -> [String: [FnRef]] {
        var functions: [String: [FnRef]] = [:]
        for (ui, u) in units.enumerated() {
            for fi in u.functions.indices { functions[u.functions[fi].name, default: []].append(FnRef(unit: ui, fn: fi)) }
        }
        return functions
    }

    /// Callee name → the functions that call it, in unit order.
    private static func callerTable(_ units: [FileUnit]) -> [String: [FnRef]] {
        var callers: [String: [FnRef]] = [:]
        for (ui, u) in units.enumerated() {
            for fi in u.functions.indices {
                let ref = FnRef(unit: ui, fn: fi)
                let calls = u.functions[fi].calls
                for k in calls.indices {
                    // Calls of one function are appended together: a callee already
                    // listed for it has it last (one lookup, no set per function).
                    callers[calls[k].name, default: []].appendUnlessLast(ref)
                }
            }
        }
        return callers
    }

    /// Initialised globals by name, and drivers by probe function, in unit order (within a
    /// unit: probe helpers called in functions, driver structures, top-level helpers).
    private static func driverTables(_ units: [FileUnit]) -> ([String: [Int]], [String: [DriverInfo]]) {
        var globals: [String: [Int]] = [:]
        var drivers: [String: [DriverInfo]] = [:]
        for (ui, u) in units.enumerated() {
            for fi in u.functions.indices {
                // Function pointers passed as arguments (`platform_driver_probe(&d, foo_probe)`)
                // and probe helpers registered at run time.
                for c in u.functions[fi].calls where c.name == "platform_driver_probe" || c.name == "__platform_driver_probe" {
                    if c.args.count >= 2, let drv = ExprPath(c.args[0]), let p = c.args[1].last, p.kind == .ident {
                        drivers[p.text, default: []].append(DriverInfo(
                            name: drv.base, typeName: "platform_driver", probe: p.text, suppressBind: true,
                            viaProbeHelper: true, file: u.path, loc: c.loc))
                    }
                }
            }
            for (name, g) in u.globals where g.initializer != nil {
                globals[name, default: []].append(ui)
                guard let fields = g.initializer else { continue }
                // Only a structure naming a probe is flattened (register tables and device
                // id arrays, most initialised globals, name none at their top level).
                guard fields.contains(where: { Project.mayNameProbe($0.name) }) else { continue }
                let flat = Project.flatten(fields)
                // Bus drivers name the embedded device_driver `.driver` (platform, i2c, spi…)
                // or `.drv` (amba, fsi…); some buses keep probe in it.
                let probeKey = ["probe", "probe_new", "driver.probe", "drv.probe"].first { flat[$0] != nil }
                guard let probeKey, let probe = flat[probeKey], let p = probe.last, p.kind == .ident,
                      probe.count == 1 || probe.first?.text == "&" else { continue }
                let sup = flat.contains { k, v in
                    (k == "driver.suppress_bind_attrs" || k == "drv.suppress_bind_attrs" || k == "suppress_bind_attrs")
                        && !(v.joined == "false" || v.joined == "0")
                }
                drivers[p.text, default: []].append(DriverInfo(
                    name: name, typeName: g.type.name, probe: p.text, suppressBind: sup, viaProbeHelper: false,
                    file: u.path, loc: g.loc))
            }
            for t in u.topCalls where t.name.hasSuffix("platform_driver_probe") && t.args.count >= 2 {
                if let p = t.args[1].last, p.kind == .ident, let d = t.args[0].last {
                    drivers[p.text, default: []].append(DriverInfo(
                        name: d.text, typeName: "platform_driver", probe: p.text, suppressBind: true,
                        viaProbeHelper: true, file: u.path, loc: t.loc))
                }
            }
        }
        return (globals, drivers)
    }

    /// Whether a top-level field named `name` can put one of the probe keys into
    /// `flatten`'s result: `probe`, `probe_new`, or `driver…`/`drv…` (`.driver = { .probe }`,
    /// or the dotted designator `.driver.probe`).
    static func mayNameProbe(_ name: String) -> Bool {
        name == "probe" || name == "probe_new" || name == "driver" || name == "drv"
            || name.hasPrefix("driver.") || name.hasPrefix("drv.")
    }

    /// Designated initializer fields flattened to dotted names: `.driver = { .name = … }`
    /// gives `driver.name`.
    static func flatten(_ fields: [InitField], prefix: String = "") -> [String: [Token]] {
        var out: [String: [Token]] = [:]
        for f in fields where !f.name.isEmpty {
            let key = prefix.isEmpty ? f.name : prefix + "." + f.name
            if let n = f.nested { out.merge(flatten(n, prefix: key)) { a, _ in a } }
            out[key] = Array(f.value)
        }
        return out
    }

    /// The function `name` as seen from `file`: same file first, then same directory, then
    /// any (static helpers of unrelated drivers share names).
    func function(_ name: String, near file: String) -> (FileUnit, FunctionDef)? {
        guard let refs = functions[name] else { return nil }
        let dir = SourceFiles.dirname(file)
        let pick = refs.first { units[$0.unit].path == file }
            ?? refs.first { SourceFiles.dirname(units[$0.unit].path) == dir }
            ?? (refs.count == 1 ? refs[0] : nil)
        guard let r = pick else { return nil }
        return (units[r.unit], units[r.unit].functions[r.fn])
    }

    /// An initialised global `name` as seen from `file` (same file, then same directory).
    func global(_ name: String, near file: String) -> (FileUnit, GlobalVar)? {
        guard let us = globals[name] else { return nil }
        let dir = SourceFiles.dirname(file)
        let pick = us.first { units[$0].path == file } ?? us.first { SourceFiles.dirname(units[$0].path) == dir }
        guard let ui = pick, let g = units[ui].globals[name] else { return nil }
        return (units[ui], g)
    }

    func resolve(_ type: TypeRef, from unit: FileUnit) -> StructDef? {
        if type.name.isEmpty || Project.scalar.contains(type.name) { return nil }
        let key = StructKey(unit: ObjectIdentifier(unit), isStruct: type.isStruct, name: type.name)
        if let hit = structMemo.withLock({ $0[key] }) { return hit }
        let d = index.resolve(type, from: unit)
        structMemo.withLock { $0[key] = d }
        return d
    }

    static let scalar: Set<String> = [
        "void", "char", "int", "long", "short", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
        "__u8", "__u16", "__u32", "__u64", "__le16", "__le32", "__le64", "__be16", "__be32", "__be64",
        "size_t", "bool", "dma_addr_t", "phys_addr_t", "resource_size_t", "uint8_t", "uint16_t",
        "uint32_t", "uint64_t", "unsigned", "float", "double", "atomic_t", "ssize_t", "loff_t",
    ]

    /// The units in `unit`'s folder, in run order.
    func sameFolder(_ unit: FileUnit) -> [FileUnit] {
        (unitsByDir[SourceFiles.dirname(unit.path)] ?? []).map { units[$0] }
    }

    func memoUserObjects(_ key: String, _ compute: () -> [UserObject]) -> [UserObject] {
        if let hit = userObjectMemo.withLock({ $0[key] }) { return hit }
        let v = compute()
        userObjectMemo.withLock { $0[key] = v }
        return v
    }
}
