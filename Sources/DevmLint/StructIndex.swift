/// Per-file struct-name resolution: a tag means the definition visible from that file —
/// its own, else the nearest one through its includes (breadth first). One tree can hold
/// two unrelated `struct foo`; a global tag table would merge them.
///
/// Cost: a breadth-first walk over at most `maxHeaders` headers per lookup, memoized per
/// (file, tag) by the caller's `Resolution` cache.
struct StructIndex: Sendable {
    let resolver: IncludeResolver
    var maxHeaders = 250

    func resolve(_ type: TypeRef, from unit: FileUnit) -> StructDef? {
        if type.isStruct { return lookup(tag: type.name, from: unit) }
        // typedef name: find the typedef, then the struct it names.
        var found: TypeRef?
        walk(from: unit) { u in
            if let t = u.typedefs[type.name] { found = t; return true }
            return false
        }
        guard let t = found else { return nil }
        return lookup(tag: t.name, from: unit)
    }

    func lookup(tag: String, from unit: FileUnit) -> StructDef? {
        var def: StructDef?
        walk(from: unit) { u in
            if let d = u.structs[tag], !d.members.isEmpty { def = d; return true }
            return false
        }
        return def
    }

    /// Visits `unit` then its includes breadth first until `visit` returns true. Headers
    /// that resolve count toward `maxHeaders` whether or not they can be read.
    func walk(from unit: FileUnit, _ visit: (FileUnit) -> Bool) {
        if visit(unit) { return }
        var queue = resolver.edges(of: unit)
        var seen: Set<Int> = []
        var qi = 0
        // `unit` itself counts as seen (it may be a header its includes reach again).
        let selfPath = unit.path
        while qi < queue.count && seen.count + 1 < maxHeaders {
            let e = queue[qi]; qi += 1
            guard e.path != selfPath, seen.insert(e.id).inserted else { continue }
            guard let u = resolver.unit(e) else { continue }
            if visit(u) { return }
            if e.follow { queue.append(contentsOf: resolver.edges(of: u)) }
        }
    }
}
