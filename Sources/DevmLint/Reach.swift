/// How a file operation gets from the `struct file` to the devm memory. `misc_open()`
/// stores the `struct miscdevice *` in `file->private_data` before calling the driver's
/// open (drivers/char/misc.c); `chrdev_open()` leaves `inode->i_cdev` pointing at the
/// embedded cdev (fs/char_dev.c). Both survive `misc_deregister()` / `cdev_del()`.
struct Reach: Sendable {
    var function: String
    var file: String
    var loc: Loc
    var how: String
    /// The fop field (`read`, `unlocked_ioctl`) and its C function, typed for ``Evidence``.
    var field = ""
    var fop = ""
    /// The global the fop loads the pointer from, when that is the path.
    var global: String? = nil
}

/// What the file operations of one user-visible object do with the devm memory.
struct ReachAnalysis: Sendable {
    var reaches: [Reach] = []
    /// Globals pointing into the devm memory that nothing ever clears.
    var staleGlobals: [(global: String, reach: Reach)] = []
    /// Why a path that looked like a reach is safe (evidence kept for tests and notes).
    var safe: [String] = []
}

extension Project {
    func isTarget(_ t: TypeRef, _ obj: UserObject, _ unit: FileUnit) -> Bool {
        guard t.pointer >= 1 || t.isStruct else { return false }
        var base = t; base.pointer = 0; base.array = false
        if obj.kind == .miscdevice, base.isStruct, base.name == "miscdevice" { return true }
        if obj.kind == .cdev, base.isStruct, base.name == "cdev" { return true }
        guard let def = resolve(base, from: unit) else {
            return obj.chain.contains { $0.tag == base.name && base.isStruct }
        }
        return obj.chain.contains { $0.id == def.id }
    }

    func typeOfExpr(_ toks: some ZeroBasedTokens, in f: FunctionDef?, unit: FileUnit) -> TypeRef? {
        if let c = toks.firstCall(), toks.first?.text == c.name,
           c.name == "container_of" || c.name == "container_of_const", c.args.count >= 2 {
            // container_of(ptr, struct T, member) is a T*, unless more follows (`->base`).
            let close = toks.lastIndex { $0.text == ")" } ?? 0
            guard close == toks.count - 1 else { return nil }
            let ty = c.args[1]
            return ty.first?.text == "struct" && ty.count >= 2
                ? TypeRef(name: ty[1].text, isStruct: true, pointer: 1, array: false)
                : TypeRef(name: ty.joined, isStruct: false, pointer: 1, array: false)
        }
        guard let p = ExprPath(toks) else { return nil }
        // A cast names the type outright: `(struct foo *)file->private_data`.
        if toks.first?.text == "(", toks.count > 2, toks[1].text == "struct" {
            return TypeRef(name: toks[2].text, isStruct: true, pointer: 1, array: false)
        }
        guard var t = typeOf(p, in: f, unit: unit) else { return nil }
        if toks.first?.text == "&" { t.pointer += 1 }
        return t
    }

    /// Follows the fops' functions (and helpers/macros they call, two levels deep).
    func reach(fops: [String: [Token]], fopsFile: String, obj: UserObject) -> ReachAnalysis {
        var r = ReachAnalysis()
        for (field, value) in fops.sorted(by: { $0.key < $1.key }) where field != "owner" {
            guard value.count == 1 || value.first?.text == "&", let name = value.last?.text,
                  let (u, f) = function(name, near: fopsFile) else { continue }
            // misc_open() calls the driver's open under misc_mtx, which misc_deregister()
            // also takes (drivers/char/misc.c): during open the memory is alive, so only
            // what open keeps (private_data, a per-open back-pointer, a global) counts.
            let openOnly = field == "open" && obj.kind == .miscdevice
            let (reaches, globals) = (r.reaches.count, r.staleGlobals.count)
            scan(f, unit: u, obj: obj, depth: 0, label: "\(f.name)() (.\(field))", into: &r, fopLocks: f.locksTaken, keepsOnly: openOnly)
            for i in reaches..<r.reaches.count { r.reaches[i].field = field; r.reaches[i].fop = f.name }
            for i in globals..<r.staleGlobals.count { r.staleGlobals[i].reach.field = field; r.staleGlobals[i].reach.fop = f.name }
        }
        return r
    }

    private func scan(_ f: FunctionDef, unit: FileUnit, obj: UserObject, depth: Int, label: String,
                      into r: inout ReachAnalysis, fopLocks: Set<String>, keepsOnly: Bool) {
        let at = { (how: String, loc: Loc) in Reach(function: label, file: f.file, loc: loc, how: how) }
        for c in f.calls where !keepsOnly {
            if ["container_of", "container_of_const", "list_entry"].contains(c.name), c.args.count >= 2 {
                let ty = c.args[1]
                let t = ty.first?.text == "struct" && ty.count >= 2
                    ? TypeRef(name: ty[1].text, isStruct: true, pointer: 1, array: false)
                    : TypeRef(name: ty.joined, isStruct: false, pointer: 1, array: false)
                if isTarget(t, obj, unit) {
                    r.reaches.append(at("container_of(\(c.args[0].joined), \(ty.joined), …)", c.loc)); return
                }
            }
            if let m = unit.macros[c.name], let i = m.body.firstIndex(where: { $0.text == "container_of" || $0.text == "container_of_const" }),
               let call = Array(m.body[i...]).firstCall(), call.args.count >= 2 {
                let ty = call.args[1]
                let t = ty.first?.text == "struct" && ty.count >= 2
                    ? TypeRef(name: ty[1].text, isStruct: true, pointer: 1, array: false)
                    : TypeRef(name: ty.joined, isStruct: false, pointer: 1, array: false)
                if isTarget(t, obj, unit) {
                    r.reaches.append(at("\(c.name)() (macro around container_of to \(ty.joined))", c.loc)); return
                }
            }
        }
        for a in f.assigns {
            let lhsJoined = a.lhs.joined
            // open() storing the struct (or a per-open object) in private_data.
            if lhsJoined.hasSuffix("private_data") {
                if let t = typeOfExpr(a.rhs, in: f, unit: unit), isTarget(t, obj, unit) {
                    r.reaches.append(at("stores \(a.rhs.joined) in \(lhsJoined)", a.loc)); return
                }
                if let p = ExprPath(a.rhs), p.members.isEmpty, let t = f.locals[p.base], t.pointer >= 1 {
                    // Per-open object: safe if it only copies, unsafe if it keeps a back-pointer.
                    for b in f.assigns {
                        // misc_open() put the struct miscdevice pointer in private_data: keeping
                        // that pointer keeps a pointer into the devm memory.
                        if obj.kind == .miscdevice, let lp = ExprPath(b.lhs), lp.base == p.base, !lp.members.isEmpty,
                           b.rhs.last?.text == "private_data", b.loc.line < a.loc.line || b.rhs.joined != a.lhs.joined {
                            r.reaches.append(at("per-open object \(p.base) keeps a back-pointer (\(b.lhs.joined) = \(b.rhs.joined))", b.loc))
                            return
                        }
                        guard let lp = ExprPath(b.lhs), lp.base == p.base, !lp.members.isEmpty,
                              let bt = typeOfExpr(b.rhs, in: f, unit: unit), bt.pointer >= 1, isTarget(bt, obj, unit) else { continue }
                        r.reaches.append(at("per-open object \(p.base) keeps a back-pointer (\(b.lhs.joined) = \(b.rhs.joined))", b.loc))
                        return
                    }
                    // Built by a helper that is handed the struct: does it keep the pointer?
                    if let made = f.assigns.last(where: { $0.lhs.count == 1 && $0.lhs[0].text == p.base }),
                       let call = made.rhs.firstCall(), let (_, hf) = function(call.name, near: f.file) {
                        for (i, arg) in call.args.enumerated() where i < hf.params.count {
                            guard let at = typeOfExpr(arg, in: f, unit: unit), at.pointer >= 1, isTarget(at, obj, unit) else { continue }
                            let param = hf.params[i].name
                            if let keep = hf.assigns.first(where: { $0.rhs.count == 1 && $0.rhs[0].text == param && (ExprPath($0.lhs)?.members.isEmpty == false) }) {
                                r.reaches.append(Reach(function: label, file: hf.file, loc: keep.loc,
                                                       how: "per-open object from \(call.name)() keeps a back-pointer (\(keep.lhs.joined) = \(param))"))
                                return
                            }
                        }
                    }
                    r.safe.append("\(label): per-open object \(p.base) copies what it needs")
                }
            }
            // A local of the struct type loaded from the file.
            if !keepsOnly, a.lhs.count == 1, let t = a.declared ?? f.locals[a.lhs[0].text], t.pointer >= 1, isTarget(t, obj, unit) {
                let rhs = a.rhs
                if rhs.containsIdent("private_data") || rhs.containsIdent("i_cdev") || rhs.containsIdent("container_of") {
                    r.reaches.append(at("\(a.lhs[0].text) = \(rhs.joined)", a.loc)); return
                }
                if let call = rhs.firstCall(), call.args.contains(where: { $0.containsIdent("file") || $0.containsIdent("filp") || $0.containsIdent("inode") || $0.containsIdent("private_data") || $0.containsIdent("fp") || $0.containsIdent("f") }) {
                    r.reaches.append(at("\(a.lhs[0].text) = \(rhs.joined)", a.loc)); return
                }
            }
        }
        // Globals pointing into the devm memory.
        var seenGlobals = Set<String>()
        for t in f.body where t.kind == .ident && f.locals[t.text] == nil {
            guard let g = unit.globals[t.text], g.type.pointer >= 1, g.initializer == nil,
                  seenGlobals.insert(t.text).inserted, isTarget(g.type, obj, unit) else { continue }
            let reach = at("global \(t.text)", Loc(t))
            var cleared: Assignment?
            for other in units where other.path == unit.path {
                // The function that publishes the global (probe) clears it only on its
                // error path; that is not a clear at unbind.
                for of in other.functions where of.name != f.name && !of.assigns.contains(where: {
                    $0.lhs.count == 1 && $0.lhs[0].text == t.text && !($0.rhs.joined == "NULL" || $0.rhs.joined == "0") }) {
                    for a in of.assigns where a.lhs.count == 1 && a.lhs[0].text == t.text
                        && (a.rhs.joined == "NULL" || a.rhs.joined == "0") { cleared = a }
                }
            }
            guard let c = cleared else { r.staleGlobals.append((t.text, reach)); continue }
            if !Set(c.locks).isDisjoint(with: fopLocks) {
                r.safe.append("\(label): global \(t.text) is cleared under \(c.locks.joined(separator: ", ")), which the file operation also takes")
            } else if !Analyzer.tests(Analyzer.holders(of: t.text, in: f), in: f.body) {
                // Untested, the first use after the clear is a NULL dereference: that is
                // devm-null-after-remove's finding, whatever the memory is.
                r.safe.append("\(label): global \(t.text) is dereferenced untested after remove() clears it (devm-null-after-remove)")
            } else {
                var rr = reach
                rr.how = "global \(t.text) (cleared without a lock the file operation takes)"
                rr.global = t.text
                r.reaches.append(rr)
            }
            return
        }
        guard depth < 2 else { return }
        for c in f.calls where !BodyScanner.lockCallWords.contains(c.name) && !BodyScanner.unlockCallWords.contains(c.name) {
            guard let (hu, hf) = function(c.name, near: f.file), hf.name != f.name else { continue }
            let before = r.reaches.count
            scan(hf, unit: hu, obj: obj, depth: depth + 1, label: label, into: &r, fopLocks: fopLocks.union(hf.locksTaken), keepsOnly: keepsOnly)
            if r.reaches.count > before {
                let last = r.reaches.removeLast()
                r.reaches.append(Reach(function: label, file: f.file, loc: c.loc, how: "\(c.name)() → \(last.how)"))
                return
            }
        }
    }
}
