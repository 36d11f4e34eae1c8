import DriverCore
import Instrumentation

/// Refcounts: `kref_init`/`device_initialize`, gets, puts and the release callback at zero.
/// Each refcounted member has an object id of its own, so the sanitizer follows its
/// references as it follows a `struct device`'s; the memory holding the count is checked on
/// every operation, so a put on a freed struct is a use after free, as KASAN reports it.
///
/// References are attributed to their holders, as lib/ref_tracker.c does: a put by a holder
/// (an open file, a binding) that took no reference is reported at that put — long before
/// the count underflows at someone else's put.
extension Interpreter {
    func refInit(_ member: (Reference, MemberKind), holder: Holder?, who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind.isCounted else { throw .invalid("\(r) is a \(kind), not a refcount") }
        let id = try r.object.access("init \(r.key)", by: who) { s throws(DescribedError) in
            s.counts[r.key] = 1
            s.holders[r.key] = [holder?.key ?? "": 1]
            if let holder { s.holderNames[holder.key] = holder.name }
            return r.object.memberID(r.key, in: &s)
        }
        world.kernel.events.emit(.deviceInitialize, object: id, name: r.description, detail: "ref=1", site: .model)
    }

    func refGet(_ member: (Reference, MemberKind), holder: Holder?, who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind.isCounted else { throw .invalid("\(r) is a \(kind), not a refcount") }
        let (id, count) = try r.object.access("get \(r.key)", by: who) { s throws(DescribedError) in
            let c = s.counts[r.key] ?? 0
            if c > 0 {
                s.counts[r.key] = c + 1
                s.holders[r.key, default: [:]][holder?.key ?? "", default: 0] += 1
                if let holder { s.holderNames[holder.key] = holder.name }
            }
            return (r.object.memberID(r.key, in: &s), c)
        }
        guard count > 0 else {
            world.kernel.events.emit(.refMisuse, object: id, name: r.description, detail: "get", site: .model)
            throw .errno(.ENODEV, "get of \(r) after its count reached zero")
        }
        world.kernel.events.emit(.get, object: id, name: r.description, detail: "ref=\(count + 1)", site: .model)
    }

    func refPut(_ member: (Reference, MemberKind), _ frame: Frame, holder: Holder?, who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind.isCounted else { throw .invalid("\(r) is a \(kind), not a refcount") }
        let (id, count, parent, unheld) = try r.object.access("put \(r.key)", by: who) { s throws(DescribedError) in
            let c = s.counts[r.key] ?? 0
            var unheld: [String]?
            if c > 0 {
                s.counts[r.key] = c - 1
                let names = s.holderNames
                unheld = Self.takeReference(from: &s.holders[r.key, default: [:]], for: holder)?
                    .filter { $0.value > 0 }.map { "\(names[$0.key] ?? "unattributed") ×\($0.value)" }.sorted()
            }
            return (r.object.memberID(r.key, in: &s), c, s.values[r.key + "#parent"], unheld)
        }
        guard count > 0 else {
            world.kernel.events.emit(.refMisuse, object: id, name: r.description, detail: "put", site: .model)
            throw .errno(.EINVAL, "put of \(r) with no reference left")
        }
        if let unheld, let holder {
            world.kernel.events.emit(.refUnheldPut, object: id, name: r.description,
                                     detail: "put of \(r) by \(holder.name), which holds no reference on it "
                                         + "(held by: \(unheld.joined(separator: ", ")))\n  by: \(who)", site: .model)
        }
        world.kernel.events.emit(.put, object: id, name: r.description, detail: "ref=\(count - 1)", site: .model)
        guard count == 1 else { return }
        world.kernel.events.emit(.deviceRelease, object: id, name: r.description, site: .model)
        // What the release frees: drmm allocations first (drm_dev_release runs drmm_release
        // before the driver's release frees the container), then the release callback with
        // the container as `self`; a cdev's release drops its parent device.
        for managed in world.takeManaged(by: r.memberKey) { try? managed.free(by: who, byDevres: false) }
        if case .reference(let p) = parent, let parentKind = type(ofMember: p) {
            try refPut((p, parentKind), frame, holder: .cdev(r), who: who)
        }
        if let release = kind.release {
            // The trail of whatever the release frees names the put that caused it.
            var callee = frame.calling("last put of \(r) → \(release)",
                                       argument: .reference(Reference(r.object, path: Array(r.path.dropLast()))), attributed: false)
            try runFunction(world.description.functions[release] ?? [], &callee)
        }
    }

    /// Takes one reference of `holder` (any holder's when nil); returns the holders' counts
    /// when `holder` had none, after taking one from someone else so the counts stay whole.
    static func takeReference(from holders: inout [String: Int], for holder: Holder?) -> [String: Int]? {
        let key = holder?.key ?? ""
        if let n = holders[key], n > 0 {
            holders[key] = n - 1
            return nil
        }
        let before = holders
        if let other = holders.first(where: { $0.value > 0 })?.key { holders[other]! -= 1 }
        return holder == nil ? nil : before
    }

    /// The kind of the member a reference names.
    func type(ofMember r: Reference) -> MemberKind? {
        guard let last = r.path.last else { return nil }
        return world.type(of: Reference(r.object, path: Array(r.path.dropLast())))?.member(last)?.kind
    }
}
