import DriverCore
import Instrumentation

/// Refcounts: `kref_init`/`device_initialize`, gets, puts and the release callback at zero.
/// Each refcounted member has an object id of its own, so the sanitizer follows its
/// references as it follows a `struct device`'s; the memory holding the count is checked on
/// every operation, so a put on a freed struct is a use after free, as KASAN reports it.
extension Interpreter {
    func refInit(_ member: (Reference, MemberKind), who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind.isRefcount || kind == .cdev else { throw .invalid("\(r) is a \(kind), not a refcount") }
        let id = try r.object.access("init \(r.key)", by: who) { s throws(DescribedError) in
            s.counts[r.key] = 1
            return r.object.memberID(r.key, in: &s)
        }
        world.kernel.events.emit(.deviceInitialize, object: id, name: r.description, detail: "ref=1", site: .model)
    }

    func refGet(_ member: (Reference, MemberKind), who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind.isRefcount || kind == .cdev else { throw .invalid("\(r) is a \(kind), not a refcount") }
        let (id, count) = try r.object.access("get \(r.key)", by: who) { s throws(DescribedError) in
            let c = s.counts[r.key] ?? 0
            if c > 0 { s.counts[r.key] = c + 1 }
            return (r.object.memberID(r.key, in: &s), c)
        }
        guard count > 0 else {
            world.kernel.events.emit(.refMisuse, object: id, name: r.description, detail: "get", site: .model)
            throw .errno(.ENODEV, "get of \(r) after its count reached zero")
        }
        world.kernel.events.emit(.get, object: id, name: r.description, detail: "ref=\(count + 1)", site: .model)
    }

    func refPut(_ member: (Reference, MemberKind), _ frame: Frame, who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind.isRefcount || kind == .cdev else { throw .invalid("\(r) is a \(kind), not a refcount") }
        let (id, count, parent) = try r.object.access("put \(r.key)", by: who) { s throws(DescribedError) in
            let c = s.counts[r.key] ?? 0
            if c > 0 { s.counts[r.key] = c - 1 }
            return (r.object.memberID(r.key, in: &s), c, s.values[r.key + "#parent"])
        }
        guard count > 0 else {
            world.kernel.events.emit(.refMisuse, object: id, name: r.description, detail: "put", site: .model)
            throw .errno(.EINVAL, "put of \(r) with no reference left")
        }
        world.kernel.events.emit(.put, object: id, name: r.description, detail: "ref=\(count - 1)", site: .model)
        guard count == 1 else { return }
        world.kernel.events.emit(.deviceRelease, object: id, name: r.description, site: .model)
        // What the release frees: drmm allocations first (drm_dev_release runs drmm_release
        // before the driver's release frees the container), then the release callback with
        // the container as `self`; a cdev's release drops its parent device.
        for managed in world.takeManaged(by: r.memberKey) { try? managed.free(by: who, byDevres: false) }
        if case .reference(let p) = parent, let parentKind = type(ofMember: p) {
            try refPut((p, parentKind), frame, who: who)
        }
        if let release = kind.release {
            // The trail of whatever the release frees names the put that caused it.
            var callee = frame.calling("last put of \(r) → \(release)",
                                       argument: .reference(Reference(r.object, path: Array(r.path.dropLast()))))
            try runFunction(world.description.functions[release] ?? [], &callee)
        }
    }

    /// The kind of the member a reference names.
    func type(ofMember r: Reference) -> MemberKind? {
        guard let last = r.path.last else { return nil }
        return world.type(of: Reference(r.object, path: Array(r.path.dropLast())))?.member(last)?.kind
    }
}
