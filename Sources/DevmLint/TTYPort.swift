/// `devm-tty-port`: devm memory that embeds, by value, a `struct tty_port` that is given a
/// tty node, on a device that can lose its driver.
///
/// The tty layer's own rules (Linux 6.12, drivers/tty/tty_io.c and tty_port.c):
/// - an open tty keeps `tty->port`, taken from `driver->ports[]` (`tty_port_link_device()`,
///   `tty_port_register_device*()`) or set by the driver's `install` (`tty_port_install()`).
///   Nothing in the tty core takes a reference on the port for it.
/// - a hangup swaps the file's operations for `hung_up_tty_fops`, but their `.release` is
///   still `tty_release()`: the last close calls the driver's `close` (`tty_port_close()` on
///   `tty->port` in nearly every driver), and `release_tty()` clears `tty->port->itty` and
///   cancels the port's buffer work (`tty_buffer_cancel_work()`), hung up or not.
/// - a port's memory ends with its refcount only when the driver hands it over: the last
///   `tty_port_put()` runs `tty_port_destructor()`, which calls `port->ops->destruct` or
///   `kfree()`s the port itself.
/// - `tty_init_dev()` pins the tty driver's module while a tty is open (`tty_alloc_driver()`
///   passes `THIS_MODULE` as the owner), so module unload is no route here: only a sysfs
///   unbind or a hot unplug frees the devm memory under an open tty.
///
/// So after unbind the last close of a tty opened before it touches the freed port, whatever
/// remove() did (hangup, `tty_unregister_device()`, `tty_port_destroy()`).
///
/// Reported: a tty_port embedded (directly, or through by-value member structs and arrays)
/// in devm memory, given a node in the allocating file's folder (also through a helper
/// handed the `struct tty_port *`, one level) or through a registration wrapper anywhere
/// (`tty_port_register_device*()`, `tty_port_install()`, or `tty_port_link_device()` or
/// `tty->port = …` with a node from `tty_register_device*()` / `tty_register_driver()`), on
/// a device that can be unbound (`Project.unbindPath`).
///
/// Suppressed: the port's `tty_port_operations` (the table assigned to its `.ops`, or when
/// none is assigned, any of the allocating file's) set `.destruct`: the driver has given the
/// port a refcounted life, and whatever remains must be done by its destructor (on devm
/// memory that means remove() waiting for it, which the lint does not check).
///
/// Not this class: `struct uart_port` in devm memory. serial_core keeps the tty_port in its
/// own `struct uart_state` (kcalloc'd per driver in `uart_register_driver()`), the uart_port
/// holds only a pointer to it, and `uart_remove_one_port()` hangs the tty up and clears
/// `state->uart_port` under the tty_port's mutex, so later tty calls find no uart_port
/// (drivers/tty/serial/serial_core.c). The walk does not look into a uart_port, and
/// `--explain` says why one is ruled out.
///
/// Cost: one struct walk per devm allocation (as devm-v4l2's); the registrations are looked
/// for only when the walk finds a tty_port.
extension Analyzer {
    /// Calls that link a port to a tty, with a node: the port is their first argument.
    static let ttyPortRegistrations: Set<String> = [
        "tty_port_register_device", "tty_port_register_device_attr", "tty_port_register_device_attr_serdev",
        "tty_port_register_device_serdev", "tty_port_install", "tty_port_link_device",
    ]
    /// A linked port needs a node too: from these (`tty_register_driver()` makes every
    /// node of a driver without `TTY_DRIVER_DYNAMIC_DEV`).
    static let ttyNodeRegistrations: Set<String> = ["tty_register_device", "tty_register_device_attr", "tty_register_driver"]
    private static let ttyWatched: Set<String> = ["tty_port", "uart_port"]

    /// Where a port is given its tty: the call (or `tty->port =` assignment) and its text.
    struct TTYLink {
        var name: String
        var text: String
        var file: String
        var loc: Loc
    }

    func ttyPortFindings(_ alloc: DevmMemory.Allocation, in f: FunctionDef, unit: FileUnit) -> [Finding] {
        var ports: [EmbeddedStruct] = []
        let typeName = alloc.type.isStruct ? "struct \(alloc.type.name)" : alloc.type.name
        let here = "\(unit.path):\(alloc.loc.line): \(typeName)"
        if alloc.type.isStruct, alloc.type.name == "tty_port" {
            ports = [EmbeddedStruct(kind: "tty_port", path: [], chain: [], file: unit.path, loc: alloc.loc)]
        } else if let def = project.resolve(alloc.type, from: unit) {
            let found = project.embedded(Analyzer.ttyWatched, in: def)
            ports = found.filter { $0.kind == "tty_port" }
            if explain, let u = found.first(where: { $0.kind == "uart_port" }) {
                explanations.add("\(here): embeds struct uart_port (.\(u.path.joined(separator: "."))): not devm-tty-port, serial_core keeps the tty_port in its own uart_state and uart_remove_one_port() clears state->uart_port")
            }
        }
        guard !ports.isEmpty else { return [] }
        let near = project.sameFolder(unit)
        let rel = near + wrapperUnits(calledFrom: near, through: project.ttyRegistrations)
        guard let (port, reg) = ttyRegistration(of: ports, in: rel) else {
            if explain { explanations.add("\(here): embeds struct tty_port but no tty node is registered for it near it") }
            return []
        }
        let member = port.path.isEmpty ? "" : ".\(port.path.joined(separator: "."))"
        if let ops = destructOps(for: port, in: rel, unit: unit) {
            if explain { explanations.add("\(here)\(member): the port's tty_port_operations \(ops) set .destruct: its memory ends with its refcount") }
            return []
        }
        // The tty core pins the tty driver's module while a tty is open.
        let unbind = project.unbindPath(for: f, unit: unit, fopsOwnerSet: true)
        guard unbind.possible else {
            if explain {
                let how = unbind.how.replacingOccurrences(of: "fops.owner pins the module while a file is open",
                                                          with: "the tty core pins the module while a tty is open (tty_init_dev())")
                explanations.add("\(here): cannot be unbound: \(how)")
            }
            return []
        }
        let at = { (file: String, l: Loc) in SourceLocation(file: file, line: l.line, column: l.col) }
        let objPath = port.path.isEmpty ? "the allocation itself" : "\(typeName)\(member)"
        var notes = [
            Note(location: at(unit.path, alloc.loc),
                 message: "\(typeName) is allocated with \(alloc.call)(\(alloc.device), …) in \(f.name)(); devres frees it right after remove() when the device is unbound"),
        ]
        if !port.path.isEmpty {
            notes.append(Note(location: at(port.file, port.loc), message: "struct tty_port is embedded by value at \(objPath)"))
        }
        notes.append(Note(location: at(reg.file, reg.loc), message: "the port is given a tty with \(reg.text) here"))
        notes.append(Note(location: unbind.loc.map { at(unbind.file ?? unit.path, $0) }, message: unbind.how))
        notes.append(Note(location: nil, message: "an open tty keeps tty->port; its last close after unbind runs the driver's close and release_tty(), which clears port->itty and cancels the port's buffer work (drivers/tty/tty_io.c), in freed memory, hung up or not"))
        var ev = evidence(.ttyPort, alloc, in: f, unit: unit, unbind: unbind)
        (ev.objectPath, ev.registration, ev.registeredAt) = (port.path, reg.name, at(reg.file, reg.loc))
        // The tty_operations of the allocating file, else of the registering one: a tty folder
        // holds many drivers' tables.
        let ttyOps = { (u: FileUnit) in u.globals.values.filter { $0.type.name == "tty_operations" && $0.initializer != nil }.map(\.name).sorted().first }
        ev.fops = ttyOps(unit) ?? rel.first { $0.path == reg.file }.flatMap(ttyOps)
        return [Finding(
            rule: .devmTTYPort, location: at(unit.path, alloc.loc),
            message: "\(typeName) allocated with \(alloc.call)() embeds a struct tty_port (\(objPath)) that open ttys keep using after unbind",
            notes: notes,
            fix: "allocate \(typeName) with kzalloc() and free it from the port's tty_port_operations.destruct; take a port reference for each tty (tty_port_get() in .install, tty_port_put() in .cleanup) and in remove() hang up (tty_port_tty_hangup()), tty_port_unregister_device() and tty_port_put() the driver's own",
            evidence: ev)]
    }

    /// The first registration in `rel` naming one of `ports`; a link without a node of its
    /// own (`tty_port_link_device()`, `tty->port = …`) counts once `rel` registers a node.
    private func ttyRegistration(of ports: [EmbeddedStruct], in rel: [FileUnit]) -> (EmbeddedStruct, TTYLink)? {
        var linked: (EmbeddedStruct, TTYLink)?
        var node = false
        for u in rel {
            for g in u.functions {
                for c in g.calls {
                    if Analyzer.ttyNodeRegistrations.contains(c.name) { node = true }
                    guard Analyzer.ttyPortRegistrations.contains(c.name), let a = c.args.first,
                          let p = ports.first(where: { designatesPort(a, $0, in: g, u) || handedIn(a, $0, to: g, from: rel) })
                    else { continue }
                    let link = TTYLink(name: c.name, text: "\(c.name)(\(a.joined))", file: u.path, loc: c.loc)
                    if c.name != "tty_port_link_device" { return (p, link) }
                    if linked == nil { linked = (p, link) }
                }
                // `tty->port = &priv->port;` in the driver's install or open.
                for a in g.assigns where linked == nil {
                    guard let lp = ExprPath(a.lhs), lp.members == ["port"],
                          project.typeOf(ExprPath(base: lp.base, members: []), in: g, unit: u)?.name == "tty_struct",
                          let p = ports.first(where: { designatesPort(a.rhs, $0, in: g, u) }) else { continue }
                    linked = (p, TTYLink(name: "tty->port", text: "\(a.lhs.joined) = \(a.rhs.joined)", file: u.path, loc: a.loc))
                }
            }
        }
        return node ? linked : nil
    }

    /// Whether `toks` is a `struct tty_port *` parameter of `g` that a call of `g` in `rel`
    /// hands the port `obj` (`widget_add_port(&brd->ports[i].port, i)` calling
    /// `tty_port_register_device(port, …)`): one helper level.
    private func handedIn(_ toks: some ZeroBasedTokens, _ obj: EmbeddedStruct, to g: FunctionDef, from rel: [FileUnit]) -> Bool {
        guard let p = ExprPath(toks), p.members.isEmpty,
              let pi = g.params.firstIndex(where: { $0.name == p.base && $0.type.name == "tty_port" && $0.type.pointer == 1 })
        else { return false }
        for u in rel {
            for caller in u.functions {
                for c in caller.calls where c.name == g.name {
                    let args = c.args
                    if pi < args.count, designatesPort(args[pi], obj, in: caller, u) { return true }
                }
            }
        }
        return false
    }

    /// Whether `toks` (`&brd->ports[i].port`, or a local pointing there) is the port `obj`:
    /// the member named last is the port's, and the struct holding it is the one the walk
    /// found (when the holder's type can be told; `unknownHolder` answers when it cannot).
    private func designatesPort(_ toks: some ZeroBasedTokens, _ obj: EmbeddedStruct, in g: FunctionDef, _ u: FileUnit,
                                unknownHolder: Bool = true) -> Bool {
        guard let p = ExprPath(toks) else { return false }
        return designatesPort(p, obj, in: g, u, unknownHolder: unknownHolder)
    }

    private func designatesPort(_ path: ExprPath, _ obj: EmbeddedStruct, in g: FunctionDef, _ u: FileUnit, unknownHolder: Bool) -> Bool {
        var p = path
        // `struct tty_port *port = &info->port; tty_port_register_device(port, …)`
        if p.members.isEmpty, let a = g.assigns.last(where: { $0.lhs.count == 1 && $0.lhs[0].text == p.base }),
           let q = ExprPath(a.rhs), !q.members.isEmpty {
            p = q
        }
        guard let name = obj.path.last, let holderDef = obj.chain.last else {
            // The allocation is the port itself: the argument must be a tty_port pointer.
            return p.members.isEmpty && project.typeOf(p, in: g, unit: u)?.name == "tty_port"
        }
        guard p.members.last == name else { return false }
        guard var t = project.typeOf(ExprPath(base: p.base, members: Array(p.members.dropLast())), in: g, unit: u) else { return unknownHolder }
        t.pointer = 0
        t.array = false
        guard let d = project.resolve(t, from: u) else { return t.name == holderDef.tag }
        return d.id == holderDef.id
    }

    /// The name of the port's `tty_port_operations` table when it sets `.destruct`: the one
    /// assigned to this port's `.ops` in `rel` (`info->port.ops = &x`, the holder's type
    /// checked: a tty folder holds many drivers' ports), else, when none is assigned, any
    /// table of the allocating file.
    private func destructOps(for port: EmbeddedStruct, in rel: [FileUnit], unit: FileUnit) -> String? {
        let hasDestruct = { (g: GlobalVar) in
            g.type.name == "tty_port_operations" && (g.initializer.map { Project.flatten($0)["destruct"] != nil } ?? false)
        }
        var assigned: [String] = []
        for u in rel {
            for g in u.functions {
                for a in g.assigns {
                    guard let lp = ExprPath(a.lhs), lp.members.last == "ops", let n = a.rhs.last, n.kind == .ident,
                          designatesPort(ExprPath(base: lp.base, members: Array(lp.members.dropLast())), port, in: g, u,
                                         unknownHolder: false) else { continue }
                    assigned.append(n.text)
                }
            }
        }
        if assigned.isEmpty { return unit.globals.values.filter(hasDestruct).map(\.name).sorted().first }
        return assigned.first { name in rel.contains { $0.globals[name].map(hasDestruct) ?? false } }
    }
}
