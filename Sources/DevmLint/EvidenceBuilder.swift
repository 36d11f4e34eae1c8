/// Fills a finding's ``Evidence`` from the analysis's own values at the place the finding is
/// made, so the witness and the notes come from one set of facts.
extension Analyzer {
    /// The parts every devm rule shares: the memory, its allocation and the unbind route.
    func evidence(_ route: Evidence.Route, _ alloc: DevmMemory.Allocation, in f: FunctionDef, unit: FileUnit,
                  unbind: UnbindPath) -> Evidence {
        var e = Evidence(route: route, container: alloc.type.name, probe: f.name)
        e.allocator = alloc.call
        e.allocatedAt = SourceLocation(file: unit.path, line: alloc.loc.line, column: alloc.loc.col)
        e.unbind = unbind.route
        e.driver = unbind.driver
        e.unbindAt = unbind.loc.map { SourceLocation(file: unbind.file ?? unit.path, line: $0.line, column: $0.col) }
        return e
    }
}

extension Evidence {
    /// The fop that reaches the memory, as the reach analysis found it.
    mutating func use(_ r: Reach) {
        operation = r.field.isEmpty ? nil : r.field
        operationFunction = r.fop.isEmpty ? nil : r.fop
        usedAt = SourceLocation(file: r.file, line: r.loc.line, column: r.loc.col)
        if let g = r.global { global = g }
    }

    /// The driver's own guard at the use: the first file-scope lock held (a member lock,
    /// `->lock`, has no global to stand for) and whether the pointer is tested first.
    mutating func guarded(by locks: some Sequence<String>, tests: Bool) {
        operationLock = locks.filter { !$0.hasPrefix("->") && $0.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber } }.sorted().first
        operationTests = tests
    }
}

extension Analyzer {
    /// devm-null-after-remove's evidence: what is cleared, which fop dereferences it, and how
    /// the fops are registered in this file (a static miscdevice, else a cdev).
    func nullEvidence(_ c: Clear, use: PointerUse, fop: FunctionDef, slot: (fops: String, field: String), probe: String,
                      unbind: UnbindPath, unit: FileUnit) -> Evidence {
        let at = { (file: String, l: Loc) in SourceLocation(file: file, line: l.line, column: l.col) }
        // The pointee's tag: the global's type, or the local the fop loads the drvdata into.
        var pointee = c.global.flatMap { unit.globals[$0]?.type.name }
        if c.global == nil {
            for a in use.function.assigns where a.lhs.count == 1 {
                guard let call = a.rhs.firstCall(), call.name.hasSuffix("_get_drvdata") || call.name == "i2c_get_clientdata" else { continue }
                pointee = (a.declared ?? use.function.locals[a.lhs[0].text])?.name
                break
            }
        }
        var e = Evidence(route: .nullAfterRemove, container: pointee ?? "driver_data", probe: probe)
        (e.global, e.fops, e.operation, e.operationFunction) = (c.global, slot.fops, slot.field, fop.name)
        e.remove = c.fn
        e.guarded(by: use.locks, tests: use.tested)
        e.clearedAt = at(unit.path, c.loc)
        e.usedAt = at(use.function.file, use.loc)
        e.unbind = unbind.route
        e.driver = unbind.driver
        e.unbindAt = unbind.loc.map { at(unbind.file ?? unit.path, $0) }
        for fn in unit.functions {
            for call in fn.calls where ["misc_register", "cdev_add", "cdev_device_add"].contains(call.name) && e.registration == nil {
                e.registration = call.name
                e.registeredAt = at(unit.path, call.loc)
                if call.name == "misc_register", let p = call.args.first.flatMap({ ExprPath($0) }), unit.globals[p.base] != nil {
                    e.staticMisc = ([p.base] + p.members).joined(separator: ".")
                }
            }
        }
        return e
    }
}
