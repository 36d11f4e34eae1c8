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
        memoUserObjects(def.id) {
            embedded(["miscdevice", "cdev"], in: def).map {
                UserObject(kind: $0.kind == "cdev" ? .cdev : .miscdevice, path: $0.path, chain: $0.chain,
                           memberFile: $0.file, memberLoc: $0.loc, throughArray: $0.throughArray)
            }
        }
    }
}
