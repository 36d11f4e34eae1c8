/// Which `devm_*` calls return memory that devres frees at unbind. Deliberately a closed
/// list: many `devm_*` allocators return a refcounted object whose devres action only
/// drops a reference (`devm_rtc_allocate_device`, `devm_counter_alloc`,
/// `devm_drm_dev_alloc`, `devm_input_allocate_device`…), and those are the fix, not the bug.
/// Memory helpers as listed in drivers/base/devres.c and include/linux/device/devres.h.
enum DevmMemory {
    /// Allocator name → index of the size argument.
    static let allocators: [String: Int] = [
        "devm_kzalloc": 1, "devm_kmalloc": 1, "devm_kcalloc": 2, "devm_kmalloc_array": 2,
        "devm_kmemdup": 2, "devm_kmemdup_array": 3, "devm_krealloc": 2, "devm_krealloc_array": 3,
        "devm_kzalloc_node": 1,
    ]

    struct Allocation: Sendable {
        var call: String
        var device: String
        var type: TypeRef
        var loc: Loc
        var target: TokenRun
    }

    /// The devm memory allocations in `f`, with the allocated type when it can be told
    /// from the assigned variable or from the `sizeof`.
    static func allocations(in f: FunctionDef, unit: FileUnit, project: Project) -> [Allocation] {
        var out: [Allocation] = []
        for a in f.assigns {
            // Cheap test first: most assignments call nothing devm.
            guard a.rhs.contains(where: { $0.kind == .ident && $0.text.hasPrefix("devm_k") }),
                  let call = a.rhs.firstCall(), let sizeArg = allocators[call.name] else { continue }
            // Only the call itself (possibly cast), not `x = foo(devm_kzalloc(...))`.
            guard a.rhs.first?.text == call.name || a.rhs.first?.text == "(" else { continue }
            var type: TypeRef?
            if let d = a.declared, d.pointer >= 1 { type = d; type!.pointer -= 1 }
            if type == nil || !(type!.isStruct || project.resolve(type!, from: unit) != nil) {
                if let p = ExprPath(a.lhs), let t = project.typeOf(p, in: f, unit: unit), t.pointer >= 1 {
                    type = t; type!.pointer -= 1
                }
            }
            if type == nil || type!.name == "void" || type!.name.isEmpty, sizeArg < call.args.count {
                type = sizeofType(call.args[sizeArg], f: f, unit: unit, project: project)
            }
            guard var t = type else { continue }
            t.array = false
            out.append(Allocation(call: call.name, device: call.args.first?.joined ?? "?", type: t,
                                  loc: Loc(call.token), target: a.lhs))
        }
        return out
    }

    private static func sizeofType(_ arg: some ZeroBasedTokens, f: FunctionDef, unit: FileUnit, project: Project) -> TypeRef? {
        guard let s = arg.firstIndex(where: { $0.text == "sizeof" || $0.text == "struct_size" }) else { return nil }
        let rest = Array(arg[(s + 1)...])
        if arg[s].text == "struct_size" {
            guard rest.count > 1, let p = ExprPath(Array(rest.dropFirst().prefix(while: { $0.text != "," }))),
                  let t = project.typeOf(p, in: f, unit: unit), t.pointer >= 1 else { return nil }
            var r = t; r.pointer -= 1; return r
        }
        let inner = rest.first?.text == "(" ? Array(rest.dropFirst().dropLast()) : rest
        if inner.first?.text == "struct", inner.count >= 2 {
            return TypeRef(name: inner[1].text, isStruct: true, pointer: 0, array: false)
        }
        if inner.first?.text == "*", let p = ExprPath(Array(inner.dropFirst())), let t = project.typeOf(p, in: f, unit: unit), t.pointer >= 1 {
            var r = t; r.pointer -= 1; return r
        }
        if inner.count == 1, inner[0].kind == .ident, f.locals[inner[0].text] == nil {
            return TypeRef(name: inner[0].text, isStruct: false, pointer: 0, array: false)
        }
        return nil
    }
}

extension Project {
    /// The static type of `p` in `f`: locals and parameters, then file globals, then member
    /// types walked through the resolved structs.
    func typeOf(_ p: ExprPath, in f: FunctionDef?, unit: FileUnit) -> TypeRef? {
        guard var t = f?.locals[p.base] ?? unit.globals[p.base]?.type else { return nil }
        var home = unit
        for m in p.members {
            guard let def = resolve(t, from: home) else { return nil }
            guard let md = def.members.first(where: { $0.name == m }) else { return nil }
            // An inline nested struct has no tag to resolve later: the path stops at it.
            if let n = md.nested {
                t = TypeRef(name: n.tag, isStruct: true, pointer: md.type.pointer, array: md.type.array)
                if md.type.pointer == 0 { return t }
            } else { t = md.type }
            if let hu = index.resolver.unit(def.file) { home = hu }
        }
        return t
    }
}
