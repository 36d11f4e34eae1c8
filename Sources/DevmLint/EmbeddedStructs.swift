/// A struct of a watched kind embedded by value somewhere inside another struct.
struct EmbeddedStruct: Sendable {
    /// The watched struct tag (`tty_port`, `uart_port`).
    var kind: String
    /// Member names from the outer struct down to the object (`["ports", "port"]`).
    var path: [String]
    /// The by-value structs along the path, outermost first; the last one holds the object.
    var chain: [StructDef]
    /// Where the object's member is declared.
    var file: String
    var loc: Loc
    /// Whether a level of the path is an array (the object is one of several).
    var throughArray = false
}

extension Project {
    /// The one struct walk of the rules: user-visible objects (`userObjects`), V4L2 objects
    /// (devm-v4l2) and tty ports (devm-tty-port).
    ///
    /// Every struct of `kinds` embedded by value in `def`, directly or through by-value
    /// member structs (typedef'd too; arrays of them, flexible array members, inline
    /// `struct { … }`),
    /// each level resolved from the file that defines it. A watched struct is not looked
    /// into. Depth-bounded and cycle-safe; cost linear in the members visited, with the
    /// struct resolutions memoized by `resolve`.
    func embedded(_ kinds: Set<String>, in def: StructDef) -> [EmbeddedStruct] {
        embedded(kinds, in: def, depth: 0, seen: [])
    }

    private func embedded(_ kinds: Set<String>, in def: StructDef, depth: Int, seen: Set<String>) -> [EmbeddedStruct] {
        guard depth < 6, !seen.contains(def.id) else { return [] }
        var out: [EmbeddedStruct] = []
        let home = index.resolver.unit(def.file)
        for m in def.members where m.type.pointer == 0 {
            if m.type.isStruct, kinds.contains(m.type.name) {
                out.append(EmbeddedStruct(kind: m.type.name, path: [m.name], chain: [def], file: def.file, loc: m.loc,
                                          throughArray: m.type.array))
                continue
            }
            let inner: StructDef?
            if let n = m.nested { inner = n } else if let home { inner = resolve(m.type, from: home) } else { inner = nil }
            guard let inner else { continue }
            for var o in embedded(kinds, in: inner, depth: depth + 1, seen: seen.union([def.id])) {
                o.path.insert(m.name, at: 0)
                o.chain.insert(def, at: 0)
                o.throughArray = o.throughArray || m.type.array
                out.append(o)
            }
        }
        return out
    }
}
