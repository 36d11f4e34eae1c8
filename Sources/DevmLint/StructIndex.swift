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

    /// Visits `unit` then its includes breadth first until `visit` returns true.
    func walk(from unit: FileUnit, _ visit: (FileUnit) -> Bool) {
        if visit(unit) { return }
        var queue: [(String, IncludeDirective)] = unit.includes.map { (unit.path, $0) }
        var seen: Set<String> = [unit.path]
        var qi = 0
        while qi < queue.count && seen.count < maxHeaders {
            let (from, inc) = queue[qi]; qi += 1
            guard let p = resolver.resolve(inc, from: from), !seen.contains(p) else { continue }
            seen.insert(p)
            guard let u = resolver.unit(p) else { continue }
            if visit(u) { return }
            // Headers of the tree's include/ roots are visited but not followed: the
            // closure of <linux/*.h> is thousands of files, while a struct a driver
            // allocates is defined in the driver, a local header, or a direct include.
            if !resolver.roots.contains(where: { p.hasPrefix($0 + "/") }) {
                queue.append(contentsOf: u.includes.map { (p, $0) })
            }
        }
    }
}
