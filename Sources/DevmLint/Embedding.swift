/// The objects user space can hold open: an open file on a misc device keeps the
/// `struct miscdevice` pointer in `file->private_data` (drivers/char/misc.c, `misc_open`);
/// an open character device holds a reference on the `struct cdev` kobject that is dropped
/// by `cdev_put()` at the last `fput()` (fs/char_dev.c).
enum UserObjectKind: String, Sendable {
    case miscdevice, cdev
}

/// A user-visible object embedded by value at `path` inside a struct.
struct UserObject: Sendable {
    var kind: UserObjectKind
    /// Member names from the outer struct down to the object (`["sub", "misc"]`).
    var path: [String]
    /// The by-value structs along the path, outermost first: reaching any of them
    /// reaches the freed allocation.
    var chain: [StructDef]
    var memberFile: String
    var memberLoc: Loc
    var throughArray: Bool
}

extension Project {
    /// Every `struct miscdevice` / `struct cdev` embedded by value in `def`, directly or in
    /// by-value member structs (and arrays of them), resolved from the file defining each level.
    func userObjects(in def: StructDef) -> [UserObject] {
        memoUserObjects(def.id) { collect(def, depth: 0, seen: []) }
    }

    private func collect(_ def: StructDef, depth: Int, seen: Set<String>) -> [UserObject] {
        guard depth < 6, !seen.contains(def.id) else { return [] }
        var out: [UserObject] = []
        let home = index.resolver.unit(def.file)
        for m in def.members where m.type.pointer == 0 {
            if m.type.isStruct, m.type.name == "miscdevice" || m.type.name == "cdev" {
                out.append(UserObject(kind: m.type.name == "cdev" ? .cdev : .miscdevice, path: [m.name], chain: [def],
                                      memberFile: def.file, memberLoc: m.loc, throughArray: m.type.array))
                continue
            }
            let inner: StructDef?
            if let n = m.nested { inner = n } else if let home { inner = resolve(m.type, from: home) } else { inner = nil }
            guard let inner else { continue }
            for var o in collect(inner, depth: depth + 1, seen: seen.union([def.id])) {
                o.path.insert(m.name, at: 0)
                o.chain.insert(def, at: 0)
                o.throughArray = o.throughArray || m.type.array
                out.append(o)
            }
        }
        return out
    }
}
