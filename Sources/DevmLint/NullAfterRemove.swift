/// `devm-null-after-remove`: remove() clears a pointer that file operations dereference
/// without testing it. Files opened before unbind keep calling the fops after
/// `misc_deregister()`/`cdev_del()` (drivers/char/misc.c, fs/char_dev.c), so the next
/// read/ioctl loads NULL and oopses, whatever allocated the memory. One analysis for both
/// shapes: a file-scope pointer (`foo_dev = NULL;`) and driver data
/// (`platform_set_drvdata(pdev, NULL)` then `dev_get_drvdata()` in a fop).
///
/// Tested-but-unlocked uses are not this rule: they are the check-then-use race that
/// `devm-uaf` reports when the memory is devm (Reach, GlobalReach). Tested under a lock
/// the clear also holds is the correct design and is not reported.
extension Analyzer {
    /// A place where a fop (or a helper it calls) dereferences the cleared pointer.
    struct PointerUse {
        var function: FunctionDef
        var loc: Loc
        /// The value is tested against NULL somewhere in that function.
        var tested: Bool
        /// Locks held by the fop and the helpers on the way.
        var locks: Set<String>
    }

    /// What remove() clears: a global's name, or drvdata (`nil`).
    struct Clear {
        var global: String?
        var what: String
        var fn: String
        var loc: Loc
        var locks: [String]
    }

    static let driverRemoveKeys = ["remove", "remove_new", "driver.remove", "drv.remove", "disconnect"]
    static let driverProbeKeys = ["probe", "probe_new", "driver.probe", "drv.probe"]
    static let fopsTypes: Set<String> = ["file_operations", "proc_ops"]

    static func isNullLiteral(_ t: some ZeroBasedTokens) -> Bool { t.joined == "NULL" || t.joined == "0" || t.joined == "(void*)0" }
    private static func setsDrvdata(_ c: Call) -> Bool {
        (c.name.hasSuffix("_set_drvdata") || c.name == "i2c_set_clientdata") && c.args.count == 2 && isNullLiteral(c.args[1])
    }
    private static func getsDrvdata(_ name: String) -> Bool { name.hasSuffix("_get_drvdata") || name == "i2c_get_clientdata" }

    func nullAfterRemoveFindings(_ unit: FileUnit) -> [Finding] {
        // Every finding names a fop of this file's file_operations/proc_ops: a file with
        // none has nothing to report, and skipping it avoids copying the function tables of
        // its whole folder (a quarter of the analysis time on drivers/).
        guard unit.globals.values.contains(where: { $0.initializer != nil && Analyzer.fopsTypes.contains($0.type.name) }) else {
            return []
        }
        var byName: [String: FunctionDef] = [:]
        for f in unit.functions { byName[f.name] = f }
        // Drivers of this folder, with their remove and probe. A remove() in another file
        // of the folder reaches this file through its non-static functions
        // (foo-core.c's remove calling foo_chardev_remove() in foo-chardev.c).
        var out: [Finding] = []
        var reported = Set<String>()
        for du in project.sameFolder(unit) {
            var duByName: [String: FunctionDef] = [:]
            for f in du.functions { duByName[f.name] = f }
            for (_, g) in du.globals.sorted(by: { $0.key < $1.key }) {
                guard let ini = g.initializer else { continue }
                let flat = Project.flatten(ini)
                guard let rk = Analyzer.driverRemoveKeys.first(where: { flat[$0]?.last?.kind == .ident }),
                      let removeName = flat[rk]?.last?.text, let remove = duByName[removeName] else { continue }
                let probe = Analyzer.driverProbeKeys.compactMap { flat[$0]?.last?.text }.first.flatMap { duByName[$0] }
                let entries = du.path == unit.path ? [remove]
                    : remove.calls.compactMap { c in byName[c.name].flatMap { $0.isStatic ? nil : $0 } }
                for entry in entries {
                    out += nullFindings(from: entry, driver: g, driverUnit: du, probe: probe, unit: unit, byName, reported: &reported)
                }
            }
        }
        return out
    }

    private func nullFindings(from remove: FunctionDef, driver g: GlobalVar, driverUnit du: FileUnit, probe: FunctionDef?,
                              unit: FileUnit, _ byName: [String: FunctionDef], reported: inout Set<String>) -> [Finding] {
        var out: [Finding] = []
        for c in clearsReached(from: remove, byName, unit: unit) {
            // One finding per clear, naming every fop that dereferences it untested.
            guard reported.insert("\(c.loc.line):\(c.loc.col)").inserted else { continue }
            var uses: [(PointerUse, FunctionDef, String)] = []
            var slot: (fops: String, field: String)?
            var ownerSet = true
            for (fopsName, fops) in unit.globals.sorted(by: { $0.key < $1.key }) where Analyzer.fopsTypes.contains(fops.type.name) {
                guard let fi = fops.initializer else { continue }
                let fields = Project.flatten(fi)
                var used = false
                // No open after unbind: misc_deregister()/cdev_del() come first in remove.
                for (field, v) in fields.sorted(by: { $0.key < $1.key }) where field != "owner" && field != "open" {
                    guard v.count == 1 || v.first?.text == "&", let name = v.last?.text, let fop = byName[name] else { continue }
                    var seen = Set<String>()
                    guard let use = firstUse(of: c, in: fop, byName, depth: 0, seen: &seen) else { continue }
                    if !Set(c.locks).isDisjoint(with: use.locks) {
                        if explain { explanations.add("\(unit.path): \(c.what) is cleared in \(c.fn)() under a lock \(fop.name)() takes") }
                        continue
                    }
                    if use.tested {
                        if explain { explanations.add("\(unit.path): \(fop.name)() tests \(c.what) before use (a race remains without a common lock)") }
                        continue
                    }
                    uses.append((use, fop, "\(fopsName).\(field)"))
                    if slot == nil { slot = (fopsName, field) }
                    used = true
                }
                if used && fields["owner"] == nil { ownerSet = false }
            }
            guard !uses.isEmpty else { continue }
            let unbind = probe.map { project.unbindPath(for: $0, unit: du, fopsOwnerSet: ownerSet) }
                ?? UnbindPath(possible: true, how: "'\(g.name)' can be unbound through sysfs", file: du.path, loc: g.loc)
            guard unbind.possible else {
                if explain { explanations.add("\(unit.path): \(c.what) cleared in \(c.fn)(), but \(unbind.how)") }
                continue
            }
            var f = finding(c, uses, unbind: unbind, unit: unit)
            if let slot, let use = uses.first {
                f.evidence = nullEvidence(c, use: use.0, fop: use.1, slot: slot, probe: probe?.name ?? remove.name, unbind: unbind, unit: unit)
            }
            out.append(f)
        }
        return out
    }

    private func finding(_ c: Clear, _ uses: [(PointerUse, FunctionDef, String)], unbind: UnbindPath, unit: FileUnit) -> Finding {
        let at = { (file: String, l: Loc) in SourceLocation(file: file, line: l.line, column: l.col) }
        var notes = [
            Note(location: at(unit.path, c.loc), message: "\(c.what) is cleared here, in \(c.fn)(), reached from the driver's remove"),
            Note(location: unbind.loc.map { at(unbind.file ?? unit.path, $0) }, message: unbind.how),
        ]
        for (use, fop, slot) in uses {
            let via = use.function.name == fop.name ? "" : " (through \(use.function.name)())"
            notes.append(Note(location: at(use.function.file, use.loc),
                              message: "\(slot) = \(fop.name)()\(via) dereferences it with no NULL test; files opened before unbind still call it"))
        }
        let names = uses.map { "\($0.1.name)()" }
        return Finding(
            rule: .devmNullAfterRemove, location: at(unit.path, c.loc),
            message: "\(c.fn)() clears \(c.what), which file operation\(names.count > 1 ? "s" : "") \(names.joined(separator: ", ")) dereference\(names.count > 1 ? "" : "s") without testing it: an open file can oops after unbind",
            notes: notes,
            fix: "test the pointer in every file operation under a lock that remove() also holds while clearing it (return -ENODEV when NULL), or tie the data's lifetime to the open files (kref released from .release)")
    }

    /// Pointer clears in remove() and the same-file helpers it calls (two levels).
    private func clearsReached(from remove: FunctionDef, _ byName: [String: FunctionDef], unit: FileUnit) -> [Clear] {
        var out: [Clear] = []
        var frontier = [remove]
        var seen: Set<String> = [remove.name]
        for _ in 0..<3 {
            var next: [FunctionDef] = []
            for f in frontier {
                for a in f.assigns where a.lhs.count == 1 && Analyzer.isNullLiteral(a.rhs) && f.locals[a.lhs[0].text] == nil {
                    let n = a.lhs[0].text
                    guard let g = unit.globals[n], g.type.pointer >= 1, g.initializer == nil else { continue }
                    out.append(Clear(global: n, what: "global \(n)", fn: f.name, loc: a.loc, locks: a.locks))
                }
                for c in f.calls where Analyzer.setsDrvdata(c) {
                    out.append(Clear(global: nil, what: "the driver data (\(c.name)(\(c.args[0].joined), NULL))", fn: f.name, loc: c.loc, locks: c.locks))
                }
                for c in f.calls {
                    if let h = byName[c.name], seen.insert(h.name).inserted { next.append(h) }
                }
            }
            frontier = next
        }
        return out
    }

    /// The first dereference of the cleared pointer in `f` or a same-file helper.
    private func firstUse(of c: Clear, in f: FunctionDef, _ byName: [String: FunctionDef], depth: Int,
                          seen: inout Set<String>) -> PointerUse? {
        guard seen.insert(f.name).inserted else { return nil }
        // Names that hold the pointer here: the global itself and locals loaded from it.
        var names: Set<String> = []
        if let g = c.global { names = Analyzer.holders(of: g, in: f) }
        for a in f.assigns where c.global == nil && a.lhs.count == 1 {
            if let call = a.rhs.firstCall(), Analyzer.getsDrvdata(call.name), a.rhs.first?.text == call.name || a.rhs.first?.text == "(" {
                names.insert(a.lhs[0].text)
            }
        }
        if !names.isEmpty, let loc = Analyzer.dereference(of: names, in: f.body) {
            return PointerUse(function: f, loc: loc, tested: Analyzer.tests(names, in: f.body), locks: f.locksTaken)
        }
        guard depth < 2 else { return nil }
        for call in f.calls {
            guard let h = byName[call.name], h.name != f.name else { continue }
            if var u = firstUse(of: c, in: h, byName, depth: depth + 1, seen: &seen) {
                u.locks.formUnion(f.locksTaken)
                return u
            }
        }
        return nil
    }

    /// `global` and the locals of `f` loaded from it (`p = global;`).
    static func holders(of global: String, in f: FunctionDef) -> Set<String> {
        var names: Set<String> = f.locals[global] == nil ? [global] : []
        for a in f.assigns where a.lhs.count == 1 && a.rhs.count == 1 && a.rhs[0].text == global { names.insert(a.lhs[0].text) }
        return names
    }

    /// `p->x`, `*p` or `p[i]`: the first dereference of any of `names`.
    static func dereference(of names: Set<String>, in body: ArraySlice<Token>) -> Loc? {
        var i = body.startIndex
        while i + 1 < body.endIndex {
            let t = body[i]
            if t.kind == .ident, names.contains(t.text) {
                let next = body[i + 1]
                let prev = i > body.startIndex ? body[i - 1] : nil
                if next.kind == .punct && (next.text == "->" || next.text == "[") { return Loc(t) }
                if let prev, prev.kind == .punct, prev.text == "*",
                   i - 1 == body.startIndex || [";", "{", "}", "(", "=", ",", "return"].contains(body[i - 2].text) {
                    return Loc(t)
                }
            }
            i += 1
        }
        return nil
    }

    /// Whether any of `names` is compared with NULL: `!p`, `p == NULL`, `p != NULL`,
    /// `if (p)`, `p &&`, `p ?`, or passed to `IS_ERR_OR_NULL`/`WARN_ON`.
    static func tests(_ names: Set<String>, in body: ArraySlice<Token>) -> Bool {
        var i = body.startIndex
        while i < body.endIndex {
            let t = body[i]
            if t.kind == .ident, names.contains(t.text) {
                let prev = i > body.startIndex ? body[i - 1].text : ""
                let next = i + 1 < body.endIndex ? body[i + 1].text : ""
                let next2 = i + 2 < body.endIndex ? body[i + 2].text : ""
                // `!p->initialized` tests a member, and dereferences p (cpwd_open()).
                if next == "->" || next == "." || next == "[" { i += 1; continue }
                if prev == "!" { return true }
                if (next == "==" || next == "!=") && (next2 == "NULL" || next2 == "0") { return true }
                if (prev == "==" || prev == "!=") && i >= body.startIndex + 2 && body[i - 2].text == "NULL" { return true }
                if next == "&&" || next == "||" || next == "?" || prev == "&&" || prev == "||" { return true }
                if prev == "(", next == ")", i >= body.startIndex + 2,
                   ["if", "while", "IS_ERR_OR_NULL", "WARN_ON", "WARN_ON_ONCE", "unlikely", "likely"].contains(body[i - 2].text) {
                    return true
                }
            }
            i += 1
        }
        return false
    }
}
