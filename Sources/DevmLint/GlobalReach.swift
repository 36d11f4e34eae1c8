/// The other common shape: a static `struct miscdevice` (not devm; a global or a member of
/// a global struct) whose file operations reach the devm memory through a global pointer:
/// one that probe sets from the allocation, or the allocation's own target when that is a
/// global (`plat_dev.sock = devm_kcalloc(…)`). The misc core keeps calling those fops
/// after `misc_deregister()` for files already open, so what matters is whether remove()
/// clears the pointer under a lock the fops take (safe), clears it without one (a race:
/// devm-uaf), or never clears it (devm-stale-global).
extension Analyzer {
    /// A registered miscdevice that is not part of any allocation.
    struct StaticMisc {
        var expr: String
        var fops: String
        var reg: Call
    }

    private func staticMiscs(_ unit: FileUnit) -> [StaticMisc] {
        var out: [StaticMisc] = []
        for fn in unit.functions {
            for c in fn.calls where c.name == "misc_register" {
                guard let arg = c.args.first, arg.first?.text == "&", let p = ExprPath(arg),
                      fn.locals[p.base] == nil, let g = unit.globals[p.base], g.type.pointer == 0 else { continue }
                let expr = ([p.base] + p.members).joined(separator: ".")
                let key = (p.members + ["fops"]).joined(separator: ".")
                var fops = g.initializer.flatMap { Project.flatten($0)[key]?.last?.text }
                if fops == nil {
                    for f2 in unit.functions {
                        for a in f2.assigns where a.lhs.joined == expr + ".fops" { fops = a.rhs.last?.text }
                    }
                }
                if let fops { out.append(StaticMisc(expr: expr, fops: fops, reg: c)) }
            }
        }
        return out
    }

    private func uses(_ pattern: [String], in fn: FunctionDef, depth: Int, seen: inout Set<String>) -> (FunctionDef, Loc, Set<String>)? {
        guard seen.insert(fn.name).inserted else { return nil }
        let body = Array(fn.body)
        if body.count >= pattern.count, fn.locals[pattern[0]] == nil {
            var i = 0
            while i + pattern.count <= body.count {
                var k = 0
                while k < pattern.count && body[i + k].text == pattern[k] { k += 1 }
                if k == pattern.count { return (fn, Loc(body[i]), fn.locksTaken) }
                i += 1
            }
        }
        guard depth < 2 else { return nil }
        for c in fn.calls {
            guard let (_, h) = project.function(c.name, near: fn.file), h.file == fn.file else { continue }
            if let hit = uses(pattern, in: h, depth: depth + 1, seen: &seen) {
                return (hit.0, hit.1, hit.2.union(fn.locksTaken))
            }
        }
        return nil
    }

    func globalFindings(_ alloc: DevmMemory.Allocation, in f: FunctionDef, unit: FileUnit) -> [Finding] {
        let target = alloc.target.joined
        // Where the pointer to the devm memory is published: (tokens, location).
        var published: [(TokenRun, Loc)] = f.assigns.filter { a in
            a.lhs.count == 1 && a.rhs.joined == target
                && (unit.globals[a.lhs[0].text].map { $0.type.pointer >= 1 && $0.initializer == nil } ?? false)
        }.map { ($0.lhs, $0.loc) }
        if let p = ExprPath(alloc.target), f.locals[p.base] == nil, unit.globals[p.base] != nil,
           !alloc.target.contains(where: { $0.text == "[" }) {
            published.append((alloc.target, alloc.loc))
        }
        guard !published.isEmpty else { return [] }
        let miscs = staticMiscs(unit)
        guard !miscs.isEmpty else { return [] }
        var out: [Finding] = []
        for (ptrToks, setLoc) in published {
            let g = ptrToks.joined
            let pattern = ptrToks.map(\.text)
            for m in miscs {
                guard let (_, fops) = project.global(m.fops, near: unit.path), let fopsIni = fops.initializer else { continue }
                let fields = Project.flatten(fopsIni)
                var user: (FunctionDef, Loc, Set<String>, String)?
                var userField = ""
                for (field, v) in fields.sorted(by: { $0.key < $1.key }) where field != "owner" {
                    guard v.count == 1 || v.first?.text == "&", let name = v.last?.text,
                          let (_, fn) = project.function(name, near: unit.path) else { continue }
                    var seen = Set<String>()
                    if let hit = uses(pattern, in: fn, depth: 0, seen: &seen) { user = (hit.0, hit.1, hit.2, fn.name); userField = field; break }
                }
                guard let (useFn, useLoc, fopLocks, fopName) = user else { continue }
                let isPtr = { (a: Assignment) in a.lhs.joined == g }
                let setters = Set(unit.functions.filter { fn in fn.assigns.contains { isPtr($0) && !isNull($0.rhs) } }.map(\.name))
                    .union(unit.functions.filter { fn in fn.assigns.contains { $0.loc == alloc.loc } }.map(\.name))
                let clears = unit.functions.filter { !setters.contains($0.name) && $0.name != f.name }.flatMap { fn in
                    fn.assigns.filter { isPtr($0) && isNull($0.rhs) }
                }
                let unbind = project.unbindPath(for: f, unit: unit, fopsOwnerSet: fields["owner"] != nil)
                guard unbind.possible else { continue }
                if clears.contains(where: { !Set($0.locks).isDisjoint(with: fopLocks) }) { continue }
                // Cleared and used untested: the NULL dereference is devm-null-after-remove's.
                if !clears.isEmpty, pattern.count == 1, !Analyzer.tests(Analyzer.holders(of: g, in: useFn), in: useFn.body) { continue }
                let typeName = alloc.type.isStruct ? "struct \(alloc.type.name)" : alloc.type.name
                let at = { (l: Loc) in SourceLocation(file: unit.path, line: l.line, column: l.col) }
                var notes = [
                    Note(location: at(alloc.loc),
                         message: "\(typeName) is allocated with \(alloc.call)(\(alloc.device), …) in \(f.name)(); devres frees it right after remove() when the device is unbound"),
                    Note(location: at(setLoc), message: "the pointer is published in global \(g)"),
                    Note(location: at(m.reg.loc),
                         message: "static miscdevice \(m.expr) is registered with misc_register() here; open files keep calling its fops after misc_deregister()"),
                    Note(location: unbind.loc.map { SourceLocation(file: unbind.file ?? unit.path, line: $0.line, column: $0.col) }, message: unbind.how),
                ]
                let rule: RuleID
                let message: String
                if let c = clears.first {
                    rule = .devmUAF
                    message = "global \(g) points at \(typeName) (\(alloc.call)()) and is cleared without a lock that the file operations take"
                    notes.append(Note(location: at(c.loc),
                                      message: "cleared here without a lock \(fopName)() takes: an open file can load it before and use it after the free"))
                } else {
                    rule = .devmStaleGlobal
                    message = "global \(g) keeps pointing at \(typeName) (\(alloc.call)()) after unbind; nothing clears it"
                }
                let via = useFn.name == fopName ? "" : " (through \(useFn.name)())"
                notes.append(Note(location: SourceLocation(file: useFn.file, line: useLoc.line, column: useLoc.col),
                                  message: "file operation \(fopName)()\(via) uses \(g)"))
                var ev = evidence(clears.isEmpty ? .staleGlobal : .unlockedGlobal, alloc, in: f, unit: unit, unbind: unbind)
                (ev.global, ev.staticMisc, ev.fops, ev.registration) = (g, m.expr, m.fops, "misc_register")
                (ev.operation, ev.operationFunction) = (userField, fopName)
                ev.registeredAt = at(m.reg.loc)
                ev.usedAt = SourceLocation(file: useFn.file, line: useLoc.line, column: useLoc.col)
                ev.clearedAt = clears.first.map { at($0.loc) }
                ev.guarded(by: fopLocks, tests: pattern.count == 1 && Analyzer.tests(Analyzer.holders(of: g, in: useFn), in: useFn.body))
                out.append(Finding(rule: rule, location: at(alloc.loc), message: message, notes: notes,
                                   fix: "clear \(g) in remove() under a lock every file operation takes and check it there (or fence the fops with a revocable pointer); or allocate with kzalloc() and free on the last release",
                                   evidence: ev))
                break
            }
        }
        return out
    }

    private func isNull(_ t: some ZeroBasedTokens) -> Bool { t.joined == "NULL" || t.joined == "0" }
}
