/// Puts the pieces together for each devm allocation: what it embeds, whether that is
/// registered, whether the device can be unbound, and whether a file operation reaches it.
struct Analyzer {
    let project: Project
    /// When set, candidates that were ruled out are returned as explanations (corpus review).
    var explain = false
    let explanations = ExplainLog()

    func findings(for ui: Int) -> [Finding] {
        let unit = project.units[ui]
        guard unit.path.hasSuffix(".c") else { return [] }
        var out: [Finding] = nullAfterRemoveFindings(unit)
        var seen = Set<String>()
        for f in unit.functions {
            for alloc in DevmMemory.allocations(in: f, unit: unit, project: project) {
                out.append(contentsOf: globalFindings(alloc, in: f, unit: unit))
                out.append(contentsOf: v4l2Findings(alloc, in: f, unit: unit))
                out.append(contentsOf: ttyPortFindings(alloc, in: f, unit: unit))
                var objects: [UserObject] = []
                if alloc.type.isStruct, alloc.type.name == "miscdevice" || alloc.type.name == "cdev" {
                    objects = [UserObject(kind: alloc.type.name == "cdev" ? .cdev : .miscdevice, path: [], chain: [],
                                          memberFile: unit.path, memberLoc: alloc.loc, throughArray: false)]
                } else if let def = project.resolve(alloc.type, from: unit) {
                    objects = project.userObjects(in: def)
                }
                for obj in objects {
                    let key = "\(alloc.loc.line):\(obj.path.joined(separator: "."))"
                    guard seen.insert(key).inserted else { continue }
                    if let fd = evaluate(alloc, obj, in: f, unit: unit) { out.append(contentsOf: fd) }
                }
            }
        }
        return out
    }

    /// Units whose code may belong to the same driver: same directory.
    private func related(_ unit: FileUnit) -> [FileUnit] {
        project.sameFolder(unit)
    }

    /// Units outside `rel` holding the primitive registration that a function of `rel`
    /// reaches through a registration wrapper of `index` (RegistrationIndex); the type-based
    /// match of each rule (`designates`, `designatesPort`) then decides whether that
    /// registration is of this object.
    func wrapperUnits(calledFrom rel: [FileUnit], through index: RegistrationIndex) -> [FileUnit] {
        let here = Set(rel.map(\.path))
        var out: [Int] = []
        var seen = Set<Int>()
        for u in rel {
            for g in u.functions {
                for c in g.calls {
                    guard let us = index.wrappers[c.name] else { continue }
                    for ui in us.sorted() where !here.contains(project.units[ui].path) && seen.insert(ui).inserted { out.append(ui) }
                }
            }
        }
        return out.map { project.units[$0] }
    }

    private func designates(_ toks: some ZeroBasedTokens, suffix: [String], _ obj: UserObject, in g: FunctionDef, _ u: FileUnit,
                            allocFn: FunctionDef) -> Bool {
        guard var p = ExprPath(toks) else { return false }
        // Local aliases: `struct miscdevice *m = &priv->misc; misc_register(m);`
        if let a = g.assigns.first(where: { $0.lhs.count == 1 && $0.lhs[0].text == p.base }),
           let q = ExprPath(a.rhs), a.rhs.first?.text == "&" || !q.members.isEmpty, q.base != p.base {
            p = ExprPath(base: q.base, members: q.members + p.members)
        }
        guard p.members.count >= suffix.count, Array(p.members.suffix(suffix.count)) == suffix else { return false }
        let mem = Array(p.members.dropLast(suffix.count))
        guard let bt = project.typeOf(ExprPath(base: p.base, members: []), in: g, unit: u) else { return false }
        if obj.chain.isEmpty {
            return mem.isEmpty && bt.isStruct && bt.name == obj.kind.rawValue && g.name == allocFn.name
        }
        var base = bt; base.pointer = 0
        let def = project.resolve(base, from: u)
        for i in 0..<obj.chain.count where Array(obj.path[i...]) == mem {
            if let def { if def.id == obj.chain[i].id { return true } } else if base.name == obj.chain[i].tag { return true }
        }
        return false
    }

    /// `*priv = (struct foo){ … }`: the whole outer struct is assigned.
    private func isWhole(_ toks: some ZeroBasedTokens, _ obj: UserObject, in g: FunctionDef, _ u: FileUnit) -> Bool {
        guard let p = ExprPath(toks), p.members.isEmpty, let root = obj.chain.first,
              var t = project.typeOf(p, in: g, unit: u) else { return false }
        t.pointer = 0
        return project.resolve(t, from: u)?.id == root.id
    }

    private func loc(_ file: String, _ l: Loc) -> SourceLocation {
        SourceLocation(file: file, line: l.line, column: l.col)
    }

    private func evaluate(_ alloc: DevmMemory.Allocation, _ obj: UserObject, in f: FunctionDef, unit: FileUnit) -> [Finding]? {
        let near = related(unit)
        let rel = near + wrapperUnits(calledFrom: near, through: project.registrations)
        // 1. Registered? And with which fops?
        var registration: (String, Call, String)?
        var fopsName: String?
        var fopsFile = unit.path
        var devmKfree: (Call, String, String)?
        var fopsViaParam: [(String, Int, String, String)] = []
        for u in rel {
            for g in u.functions {
                for c in g.calls {
                    switch c.name {
                    case "misc_register" where obj.kind == .miscdevice,
                         "cdev_add" where obj.kind == .cdev, "cdev_device_add" where obj.kind == .cdev:
                        if registration == nil, let a = c.args.first, designates(a, suffix: [], obj, in: g, u, allocFn: f) {
                            registration = (c.name, c, u.path)
                        }
                    case "devm_kfree":
                        if devmKfree == nil, c.args.count >= 2, let t = project.typeOfExpr(c.args[1], in: g, unit: u),
                           t.pointer >= 1, let root = obj.chain.first, let d = project.resolve(TypeRef(name: t.name, isStruct: t.isStruct, pointer: 0, array: false), from: u),
                           d.id == root.id {
                            devmKfree = (c, u.path, g.name)
                        }
                    case "cdev_init" where obj.kind == .cdev:
                        if c.args.count >= 2, designates(c.args[0], suffix: [], obj, in: g, u, allocFn: f),
                           let n = c.args[1].last, n.kind == .ident { fopsName = n.text; fopsFile = u.path }
                    default: break
                    }
                }
                if obj.kind == .miscdevice {
                    for a in g.assigns {
                        // `m->fops = &x` in a helper that is handed the miscdevice.
                        if let lp = ExprPath(a.lhs), lp.members == ["fops"],
                           let pi = g.params.firstIndex(where: { $0.name == lp.base && $0.type.name == "miscdevice" }),
                           let n = a.rhs.last, n.kind == .ident {
                            fopsViaParam.append((g.name, pi, n.text, u.path))
                        }
                        // `priv->misc = (struct miscdevice){ .fops = &x, … }`
                        if a.rhs.first?.text == "(", let fi = a.rhs.firstIndex(where: { $0.text == "fops" }), fi > 0,
                           a.rhs[fi - 1].text == ".",
                           designates(a.lhs, suffix: [], obj, in: g, u, allocFn: f) || isWhole(a.lhs, obj, in: g, u) {
                            if let n = a.rhs[(fi + 1)...].first(where: { $0.kind == .ident }) { fopsName = n.text; fopsFile = u.path }
                        }
                        if designates(a.lhs, suffix: ["fops"], obj, in: g, u, allocFn: f), let n = a.rhs.last, n.kind == .ident {
                            fopsName = n.text; fopsFile = u.path
                        } else if designates(a.lhs, suffix: [], obj, in: g, u, allocFn: f), a.rhs.count == 1,
                                  let (_, tmpl) = project.global(a.rhs[0].text, near: u.path),
                                  let fl = tmpl.initializer.map({ Project.flatten($0) }), let v = fl["fops"]?.last {
                            fopsName = v.text; fopsFile = u.path
                        }
                    }
                }
            }
        }
        let here = "\(unit.path):\(alloc.loc.line): \(alloc.type.name).\(obj.path.joined(separator: "."))"
        if fopsName == nil {
            for (helper, pi, name, file) in fopsViaParam {
                for u in rel {
                    for g in u.functions {
                        for c in g.calls where c.name == helper && pi < c.args.count {
                            if designates(c.args[pi], suffix: [], obj, in: g, u, allocFn: f) { fopsName = name; fopsFile = file }
                        }
                    }
                }
            }
        }
        guard let reg = registration else { if explain { explanations.add("\(here): not registered") }; return nil }
        var fopsFields: [String: [Token]] = [:]
        var fopsLoc: (String, Loc)?
        if let n = fopsName, let (fu, g) = project.global(n, near: fopsFile), let ini = g.initializer {
            fopsFields = Project.flatten(ini)
            fopsLoc = (fu.path, g.loc)
            fopsFile = fu.path
        }
        if obj.kind == .miscdevice && fopsFields.isEmpty {  // no fops: open fails, harmless
            if explain { explanations.add("\(here): miscdevice without fops (\(fopsName ?? "none found"))") }
            return nil
        }
        let ownerSet = fopsFields["owner"] != nil
        // 2. Can the device be unbound?
        let unbind = project.unbindPath(for: f, unit: unit, fopsOwnerSet: ownerSet)
        guard unbind.possible else { if explain { explanations.add("\(here): cannot be unbound: \(unbind.how)") }; return nil }
        // 3. Does a file operation reach the memory?
        let reach = project.reach(fops: fopsFields, fopsFile: fopsFile, obj: obj)
        let typeName = alloc.type.isStruct ? "struct \(alloc.type.name)" : alloc.type.name
        let objPath = obj.path.isEmpty ? "the allocation itself" : "\(typeName).\(obj.path.joined(separator: "."))"
        var notes: [Note] = [
            Note(location: loc(unit.path, alloc.loc),
                 message: "\(typeName) is allocated with \(alloc.call)(\(alloc.device), …) in \(f.name)(); devres frees it right after remove() when the device is unbound"),
        ]
        if !obj.path.isEmpty {
            notes.append(Note(location: loc(obj.memberFile, obj.memberLoc),
                              message: "struct \(obj.kind.rawValue) is embedded by value at \(objPath)\(obj.throughArray ? " (inside an array)" : "")"))
        }
        if let (c, file, fn) = devmKfree {
            notes.append(Note(location: loc(file, c.loc),
                              message: "also freed explicitly with devm_kfree() in \(fn)(): the same hazard, the memory goes while files are open"))
        }
        notes.append(Note(location: loc(reg.2, reg.1.loc), message: "registered with \(reg.0)(\(reg.1.args.first?.joined ?? "")) here"))
        if let (file, l) = unbind.loc.map({ (unbind.file ?? unit.path, $0) }) {
            notes.append(Note(location: loc(file, l), message: unbind.how))
        } else {
            notes.append(Note(location: nil, message: unbind.how))
        }
        let fixMisc = "allocate \(typeName) with kzalloc() and free it when the last open file is released (kref put from .release), or fence every file operation with a revocable pointer that remove() clears and waits for"
        let fixCdev = "embed the cdev together with a struct device and use cdev_device_add() with a release callback that frees \(typeName) (plain kzalloc, not devm), or allocate the cdev with cdev_alloc()"
        var result: [Finding] = []
        var ev = evidence(obj.kind == .cdev ? .embeddedCdev : .embeddedMisc, alloc, in: f, unit: unit, unbind: unbind)
        (ev.objectPath, ev.objectPathTypes, ev.registration, ev.fops) = (obj.path, obj.chain.map(\.tag), reg.0, fopsName)
        ev.registeredAt = loc(reg.2, reg.1.loc)
        switch obj.kind {
        case .cdev:
            notes.append(Note(location: fopsLoc.map { loc($0.0, $0.1) },
                              message: "an open file holds a reference on the embedded cdev; its last fput() calls cdev_put() on freed memory (fs/char_dev.c), whatever the file operations do"))
            if let r = reach.reaches.first {
                notes.append(Note(location: loc(r.file, r.loc), message: "\(r.function) also reaches the freed memory through \(r.how)"))
                ev.use(r)
            }
            result.append(Finding(rule: .devmUAF, location: loc(unit.path, alloc.loc),
                                  message: "\(typeName) allocated with \(alloc.call)() embeds a struct cdev (\(objPath)) that user space can hold after unbind",
                                  notes: notes, fix: fixCdev, evidence: ev))
        case .miscdevice:
            if let r = reach.reaches.first {
                notes.append(Note(location: loc(r.file, r.loc), message: "file operation \(r.function) reaches the freed memory through \(r.how) after misc_deregister()"))
                ev.use(r)
                if r.global != nil { ev.route = .unlockedGlobal }
                result.append(Finding(rule: .devmUAF, location: loc(unit.path, alloc.loc),
                                      message: "\(typeName) allocated with \(alloc.call)() embeds a struct miscdevice (\(objPath)) whose open files reach it after unbind",
                                      notes: notes, fix: fixMisc, evidence: ev))
            } else if reach.staleGlobals.isEmpty {
                if explain { explanations.add("\(here): fops \(fopsName ?? "?") do not reach it; \(reach.safe.joined(separator: "; "))") }
            } else if let s = reach.staleGlobals.first {
                var n2 = notes
                n2.append(Note(location: loc(s.reach.file, s.reach.loc),
                               message: "file operation \(s.reach.function) uses global \(s.global), which points into the devm memory and is never cleared"))
                ev.route = .staleGlobal
                ev.use(s.reach)
                ev.global = s.global
                result.append(Finding(rule: .devmStaleGlobal, location: loc(unit.path, alloc.loc),
                                      message: "global \(s.global) keeps pointing at \(typeName) (\(alloc.call)()) after unbind",
                                      notes: n2, fix: "clear \(s.global) in remove() under a lock that every file operation takes, and check it there; or " + fixMisc,
                                      evidence: ev))
            }
        }
        return result
    }
}

import Synchronization

final class ExplainLog: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ s: String) { lines.withLock { $0.append(s) } }
    var all: [String] { lines.withLock { $0.sorted() } }
}
