/// The other common shape: a static `struct miscdevice` (not devm) whose file operations
/// reach the devm memory through a global pointer that probe sets. The misc core keeps
/// calling those fops after `misc_deregister()` for files already open, so what matters
/// is whether remove() clears the global under a lock the fops take (safe), clears it
/// without one (a race: devm-uaf), or never clears it (devm-stale-global).
extension Analyzer {
    func globalFindings(_ alloc: DevmMemory.Allocation, in f: FunctionDef, unit: FileUnit) -> [Finding] {
        guard alloc.type.isStruct || !alloc.type.name.isEmpty else { return [] }
        var out: [Finding] = []
        let target = alloc.target.joined
        let sets = f.assigns.filter { a in
            a.lhs.count == 1 && a.rhs.joined == target && (unit.globals[a.lhs[0].text].map { $0.type.pointer >= 1 && $0.initializer == nil } ?? false)
        }
        for set in sets {
            let g = set.lhs[0].text
            for (mname, m) in unit.globals.sorted(by: { $0.key < $1.key })
            where m.type.isStruct && m.type.name == "miscdevice" && m.type.pointer == 0 {
                guard let ini = m.initializer, let fopsTok = Project.flatten(ini)["fops"]?.last,
                      let (_, fops) = project.global(fopsTok.text, near: unit.path), let fopsIni = fops.initializer else { continue }
                guard let reg = unit.functions.lazy.flatMap({ fn in fn.calls.filter { c in
                    c.name == "misc_register" && c.args.first?.joined == "&" + mname } }).first else { continue }
                let fields = Project.flatten(fopsIni)
                // Which fop uses the global, and under which locks.
                var user: (FunctionDef, Loc)?
                for (field, v) in fields.sorted(by: { $0.key < $1.key }) where field != "owner" {
                    guard v.count == 1, let (_, fn) = project.function(v[0].text, near: unit.path) else { continue }
                    if let t = fn.body.first(where: { $0.kind == .ident && $0.text == g }), fn.locals[g] == nil {
                        user = (fn, Loc(t)); break
                    }
                }
                guard let (fop, useLoc) = user else { continue }
                let setters = Set(unit.functions.filter { fn in fn.assigns.contains { $0.lhs.count == 1 && $0.lhs[0].text == g && !isNull($0.rhs) } }.map(\.name))
                let clears = unit.functions.filter { !setters.contains($0.name) }.flatMap { fn in
                    fn.assigns.filter { $0.lhs.count == 1 && $0.lhs[0].text == g && isNull($0.rhs) }
                }
                let ownerSet = fields["owner"] != nil
                let unbind = project.unbindPath(for: f, unit: unit, fopsOwnerSet: ownerSet)
                guard unbind.possible else { continue }
                let fopLocks = fop.locksTaken
                if clears.contains(where: { !Set($0.locks).isDisjoint(with: fopLocks) }) { continue }
                let typeName = alloc.type.isStruct ? "struct \(alloc.type.name)" : alloc.type.name
                var notes = [
                    Note(location: SourceLocation(file: unit.path, line: alloc.loc.line, column: alloc.loc.col),
                         message: "\(typeName) is allocated with \(alloc.call)(\(alloc.device), …) in \(f.name)(); devres frees it right after remove() when the device is unbound"),
                    Note(location: SourceLocation(file: unit.path, line: set.loc.line, column: set.loc.col),
                         message: "the pointer is published in global \(g)"),
                    Note(location: SourceLocation(file: unit.path, line: reg.loc.line, column: reg.loc.col),
                         message: "static miscdevice \(mname) is registered with misc_register() here; open files keep calling its fops after misc_deregister()"),
                    Note(location: unbind.loc.map { SourceLocation(file: unbind.file ?? unit.path, line: $0.line, column: $0.col) }, message: unbind.how),
                ]
                let rule: RuleID
                let message: String
                if let c = clears.first {
                    rule = .devmUAF
                    message = "global \(g) points at \(typeName) (\(alloc.call)()) and is cleared without a lock that the file operations take"
                    notes.append(Note(location: SourceLocation(file: unit.path, line: c.loc.line, column: c.loc.col),
                                      message: "cleared here without a lock \(fop.name)() takes: an open file can load it before and use it after the free"))
                } else {
                    rule = .devmStaleGlobal
                    message = "global \(g) keeps pointing at \(typeName) (\(alloc.call)()) after unbind; nothing clears it"
                }
                notes.append(Note(location: SourceLocation(file: fop.file, line: useLoc.line, column: useLoc.col),
                                  message: "file operation \(fop.name)() uses \(g)"))
                out.append(Finding(rule: rule, location: SourceLocation(file: unit.path, line: alloc.loc.line, column: alloc.loc.col),
                                   message: message, notes: notes,
                                   fix: "clear \(g) in remove() under a lock every file operation takes and check it there (or fence the fops with a revocable pointer); or allocate with kzalloc() and free on the last release"))
            }
        }
        return out
    }

    private func isNull(_ t: [Token]) -> Bool { t.joined == "NULL" || t.joined == "0" }
}
