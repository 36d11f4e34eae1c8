import DriverCore
import Instrumentation

/// Paths, loads, stores, allocation and free.
extension Interpreter {
    /// What `path` names. Following a pointer member reads it (a use of the memory holding
    /// it); an embedded member is the same memory, so naming it touches nothing.
    func place(_ path: MemberPath, _ frame: inout Frame, who: Provenance) throws(DescribedError) -> Place {
        var current: Place
        var rest = path.members[...]
        if path.isGlobal {
            let name = String(path.root.dropFirst())
            guard let kind = world.globalsType.member(name)?.kind else { throw .invalid("no global \(path.root)") }
            current = .member(Reference(world.globals, path: [name]), kind)
        } else {
            guard let v = frame.locals[path.root] else { throw .invalid("\(path): '\(path.root)' is not set here") }
            current = .value(v)
        }
        while let m = rest.popFirst() {
            let base: Reference
            switch current {
            case .value(.reference(let r)): base = r
            case .member(let r, .embedded): base = r
            case .member(let r, .pointer):
                guard case .reference(let target) = try load(current, who: who) else {
                    throw nullDereference("\(path): \(r) is NULL", in: r.object, who: who)
                }
                base = target
            case .value(let v):
                throw v.isZero ? nullDereference("\(path): '\(path.root)' is NULL", in: world.globals, who: who)
                    : .invalid("\(path): '\(path.root)' is not a pointer to a struct")
            case .member(let r, let kind):
                throw .invalid("\(path): \(r) is a \(kind), not a struct")
            }
            guard let type = world.type(of: base), let member = type.member(m) else {
                throw .invalid("\(path): no member '\(m)' in \(world.type(of: base)?.name ?? base.description)")
            }
            current = .member(Reference(base.object, path: base.path + [m]), member.kind)
        }
        return current
    }

    func member(_ path: MemberPath, _ frame: inout Frame, who: Provenance) throws(DescribedError) -> (Reference, MemberKind) {
        switch try place(path, &frame, who: who) {
        case .member(let r, let kind):
            return (r, kind)
        // A pointer to a member held in a local (`self` of `devm_add_action(fn, &p->ref)`):
        // the member it points at.
        case .value(.reference(let r)):
            if let last = r.path.last, let kind = world.type(of: Reference(r.object, path: r.path.dropLast()))?.member(last)?.kind {
                return (r, kind)
            }
            fallthrough
        default:
            throw .invalid("\(path) is not a member of a struct")
        }
    }

    /// The value of a path used as an operand: a local's value, a pointer or data member's
    /// contents, or the address of any other member (`&priv->cdev`).
    func value(_ path: MemberPath, _ frame: inout Frame, who: Provenance) throws(DescribedError) -> Value {
        let p = try place(path, &frame, who: who)
        switch p {
        case .value(let v): return v
        case .member(_, .data), .member(_, .pointer): return try load(p, who: who)
        case .member(let r, _): return .reference(r)
        }
    }

    func evaluate(_ v: StepValue, _ frame: inout Frame, who: Provenance) throws(DescribedError) -> Value {
        switch v {
        case .integer(let i): .integer(i)
        case .null: .null
        case .reference(let p): try value(p, &frame, who: who)
        }
    }

    /// The value a place holds (a count for a refcounted member). `point: false` reads
    /// without a scheduling point: for conditions evaluated under a wait queue's lock.
    func load(_ place: Place, who: Provenance, point: Bool = true) throws(DescribedError) -> Value {
        switch place {
        case .value(let v):
            return v
        case .member(let r, let kind):
            return try r.object.access("read \(r.key)", by: who, point: point) { s throws(DescribedError) in
                if kind.isCounted { return .integer(s.counts[r.key] ?? 0) }
                return s.values[r.key] ?? (kind == .data ? .integer(0) : .null)
            }
        }
    }

    func store(_ member: (Reference, MemberKind), _ value: Value, who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind == .data || kind.isPointer else { throw .invalid("write to \(r): a \(kind) is not data") }
        try r.object.access("write \(r.key)", by: who) { s throws(DescribedError) in s.values[r.key] = value }
    }

    func allocate(_ typeName: String, managedBy: MemberPath?, on other: String?, _ frame: inout Frame,
                  who: Provenance) throws(DescribedError) -> DescribedObject {
        guard let type = world.description.types[typeName] else { throw .invalid("no struct type \(typeName)") }
        let object = DescribedObject(type: typeName, allocation: type.allocation, name: world.instanceName(typeName),
                                     allocatedBy: who, events: world.kernel.events, log: world.log)
        switch type.allocation {
        case .devm:
            guard let device = other.map({ self.world.kernel.device(named: $0) }) ?? frame.device else {
                throw .invalid("devm_kzalloc of \(typeName): no device \(other ?? "bound")")
            }
            let world = self.world
            do {
                try device.devres.addAction(ActionKey("devm_kzalloc \(object.name)")) {
                    // Located at the devm_kzalloc that asked for it: the line to change.
                    let by = Provenance(CallPath("devres_release_all(\(device.name)) → free \(object.name), devm_kzalloc'd"), nil,
                                        location: who.location, log: world.log)
                    try? object.free(by: by, byDevres: true)
                }
            } catch {
                try? object.free(by: who, byDevres: true)
                throw .errno(.ENOMEM, "devm_kzalloc(\(typeName)) failed: \(error)")
            }
        case .drmm:
            guard let managedBy else { throw .invalid("drmm_kzalloc of \(typeName) needs 'drm:'") }
            let (owner, kind) = try member(managedBy, &frame, who: who)
            guard kind.isRefcount else { throw .invalid("drmm_kzalloc: \(managedBy) is not refcounted") }
            world.manage(object, by: owner.memberKey)
        case .kzalloc, .static:
            break
        }
        return object
    }

    func kfree(_ path: MemberPath, _ frame: inout Frame, who: Provenance) throws(DescribedError) {
        let v = try value(path, &frame, who: who)
        switch v {
        case .null: return  // kfree(NULL) is a no-op
        case .integer: throw .invalid("kfree(\(path)): not a pointer")
        case .reference(let r):
            guard r.path.isEmpty else { throw .invalid("kfree(\(path)): \(r) is inside \(r.object.name), not an allocation") }
            guard r.object.allocation == .kzalloc else {
                throw .invalid("kfree(\(path)): \(r.object.name) is \(r.object.allocation.rawValue) memory; only kzalloc memory is kfree'd")
            }
            try r.object.free(by: who, byDevres: false)
        }
    }

    func containerOf(_ v: Value, type: String) throws(DescribedError) -> Value {
        guard case .reference(let r) = v, !r.path.isEmpty else {
            throw .invalid("container_of(\(v), \(type)): not a pointer to a member")
        }
        let container = Reference(r.object, path: Array(r.path.dropLast()))
        guard world.type(of: container)?.name == type else {
            throw .invalid("container_of(\(r), \(type)): \(r) is not a member of a \(type)")
        }
        return .reference(container)
    }

    /// A NULL dereference: an oops in the kernel, a finding here.
    func nullDereference(_ message: String, in object: DescribedObject, who: Provenance) -> DescribedError {
        world.kernel.events.emit(.memoryNullDereference, object: object.id, name: object.name,
                                 detail: "NULL pointer dereference: \(message)\n  by: \(who)", site: .model)
        return .errno(.EFAULT, "NULL pointer dereference: \(message)")
    }
}

extension MemberKind {
    var isPointer: Bool {
        if case .pointer = self { return true }
        return false
    }
}
