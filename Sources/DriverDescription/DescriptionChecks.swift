/// Static checks of a description: every name a step uses exists, every local is set before
/// it is used, embedded structs do not contain themselves. What only a run can know (a NULL
/// pointer, a member of a struct reached through an untyped pointer) is checked by the run.
extension DriverDescription {
    /// A problem and where it is.
    public struct Problem: Sendable, Equatable {
        public let location: DescriptionLocation?
        public let message: String
    }

    /// Every step list with its name and the locals it starts with.
    var stepLists: [(name: String, steps: [Step], locals: Set<String>)] {
        var lists: [(name: String, steps: [Step], locals: Set<String>)] = []
        for d in drivers {
            lists.append(("\(d.name).probe", d.probe, []))
            lists.append(("\(d.name).remove", d.remove, []))
        }
        for f in fops.values.sorted(by: { $0.name < $1.name }) {
            for (op, steps) in f.operations.sorted(by: { $0.key < $1.key }) { lists.append(("\(f.name).\(op)", steps, ["inode", "port"])) }
        }
        for (name, steps) in functions.sorted(by: { $0.key < $1.key }) { lists.append((name, steps, ["self"])) }
        return lists
    }

    /// Every step, nested ones included.
    static func flatten(_ steps: [Step]) -> [Step] {
        steps.flatMap { s -> [Step] in
            if case .revocableAccess(_, let inner) = s.operation { return [s] + flatten(inner) }
            if case .drmDevEnter(_, let inner) = s.operation { return [s] + flatten(inner) }
            return [s]
        }
    }

    /// The devices `devm_kzalloc … on:` names, with where (the scenario checks they exist).
    public var allocationDevices: [(device: String, location: DescriptionLocation?)] {
        stepLists.flatMap { Self.flatten($0.steps) }.compactMap { s in
            if case .alloc(_, _, _, let on?) = s.operation { return (on, s.location) }
            return nil
        }
    }

    /// The `/dev` nodes the described drivers register (in their probes, or in the functions
    /// a probe calls: an extension's init, for instance).
    public var nodeNames: [String] {
        (drivers.flatMap { Self.flatten($0.probe) } + functions.keys.sorted().flatMap { Self.flatten(functions[$0] ?? []) })
            .compactMap { s -> String? in
            switch s.operation {
            case .cdevDeviceAdd(_, _, let node), .miscRegister(_, let node, _), .cdevAdd(_, let node),
                 .ttyPortRegisterDevice(_, let node, _), .drmDevRegister(_, let node, _),
                 .videoRegisterDevice(_, let node, _, _): node
            default: nil
            }
        }
    }

    public var problems: [Problem] {
        var out: [Problem] = []
        for (name, type) in types.sorted(by: { $0.key < $1.key }) {
            for m in type.members { out += check(m.kind, in: "\(name).\(m.name)", at: type.location) }
            if embeds(name, name, depth: 0) { out.append(Problem(location: type.location, message: "struct \(name) embeds itself")) }
        }
        for (name, kind) in globals.sorted(by: { $0.key < $1.key }) { out += check(kind, in: "global \(name)", at: nil) }
        for list in stepLists { out += check(list.steps, locals: list.locals, in: list.name) }
        return out
    }

    private func check(_ kind: MemberKind, in what: String, at location: DescriptionLocation?) -> [Problem] {
        if let r = kind.release, functions[r] == nil {
            return [Problem(location: location, message: "\(what): no function '\(r)' for its release")]
        }
        switch kind {
        case .pointer(let t?) where types[t] == nil, .embedded(let t) where types[t] == nil:
            return [Problem(location: location, message: "\(what): no struct type '\(t)'")]
        default:
            return []
        }
    }

    private func embeds(_ outer: String, _ target: String, depth: Int) -> Bool {
        guard depth < 32, let t = types[outer] else { return depth >= 32 }
        return t.members.contains { m in
            guard case .embedded(let inner) = m.kind else { return false }
            return inner == target || embeds(inner, target, depth: depth + 1)
        }
    }

    private func check(_ steps: [Step], locals start: Set<String>, in list: String) -> [Problem] {
        var locals = start
        // The struct type of a local, where a step says it (alloc, container_of).
        var typeOf: [String: String] = [:]
        var out: [Problem] = []
        func problem(_ s: Step, _ message: String) { out.append(Problem(location: s.location, message: "\(list): \(message)")) }
        func use(_ p: MemberPath?, _ s: Step) {
            guard let p else { return }
            if p.isGlobal {
                let name = String(p.root.dropFirst())
                if let kind = globals[name] {
                    if let m = memberProblem(p, from: kind) { problem(s, m) }
                } else {
                    problem(s, "no global '\(p.root)'")
                }
            } else if !locals.contains(p.root) {
                problem(s, "'\(p.root)' is used before it is set (locals here: \(locals.sorted().joined(separator: ", ")))")
            } else if let t = typeOf[p.root], let m = memberProblem(p, from: .embedded(t)) {
                problem(s, m)
            }
        }
        for s in steps {
            let (uses, sets) = Self.names(s.operation)
            uses.forEach { use($0, s) }
            switch s.operation {
            case .alloc(let type, _, _, _), .containerOf(_, let type, _), .mmcAllocHost(let type, _, _):
                if types[type] == nil { problem(s, "no struct type '\(type)'") }
            case .cdevInit(_, let f), .miscRegister(_, _, let f), .ttyPortRegisterDevice(_, _, let f),
                 .drmDevRegister(_, _, let f), .videoRegisterDevice(_, _, let f, _):
                if fops[f] == nil { problem(s, "no fops '\(f)'") }
            case .devmAddAction(let f, _, _), .call(let f, _), .requestIRQ(_, let f, _, _):
                if functions[f] == nil { problem(s, "no function '\(f)'") }
            case .deviceCreateFile(_, let show, let store):
                for f in [show, store].compactMap({ $0 }) where functions[f] == nil { problem(s, "no function '\(f)'") }
            case .revocableAccess(_, let inner), .drmDevEnter(_, let inner):
                out += check(inner, locals: locals, in: list)
            // Net
            case .allocEtherdev(let type, _, _):
                if types[type] == nil { problem(s, "no struct type '\(type)'") }
            case .registerNetdev(_, let ops, _):
                for f in ops.all where functions[f] == nil { problem(s, "no function '\(f)'") }
            default:
                break
            }
            if !s.unwind.isEmpty {
                var after = locals
                if let sets { after.insert(sets) }
                out += check(s.unwind, locals: after, in: "\(list) (unwind)")
            }
            if let sets { locals.insert(sets) }
            switch s.operation {
            case .alloc(let type, let name, _, _), .containerOf(_, let type, let name), .mmcAllocHost(let type, let name, _),
                 .allocEtherdev(let type, let name, _):
                typeOf[name] = type
            default: if let sets { typeOf[sets] = nil }
            }
        }
        return out
    }

    /// Why `path`'s members do not exist, starting from a value of `kind`; nil when they do or
    /// when a pointer of unknown type leaves the rest to the run.
    func memberProblem(_ path: MemberPath, from kind: MemberKind) -> String? {
        var kind = kind
        for m in path.members {
            let typeName: String
            switch kind {
            case .embedded(let t), .pointer(let t?): typeName = t
            case .pointer(nil): return nil
            default: return "\(path): '\(m)' follows a \(kind), not a struct"
            }
            guard let type = types[typeName] else { return nil }
            guard let member = type.member(m) else {
                return "\(path): struct \(typeName) has no member '\(m)' (it has: \(type.members.map(\.name).joined(separator: ", ")))"
            }
            kind = member.kind
        }
        return nil
    }

    /// The paths a step reads and the local it sets.
    static func names(_ op: Operation) -> (uses: [MemberPath?], sets: String?) {
        switch op {
        case .alloc(_, let n, let m, _): ([m], n)
        case .kfree(let p), .refInit(let p), .refGet(let p), .refPut(let p), .initWaitQueue(let p), .mutexInit(let p),
             .cdevInit(let p, _), .miscRegister(let p, _, _), .miscDeregister(let p), .cdevAdd(let p, _), .cdevDel(let p), .setDrvdata(let p), .wakeUp(let p),
             .mutexLock(let p), .mutexUnlock(let p), .guardLock(let p), .setPrivateData(let p), .check(let p, _), .revoke(let p),
             .revocableAccess(let p, _), .drmDevRegister(let p, _, _), .drmDevUnregister(let p), .drmDevUnplug(let p),
             .drmDevEnter(let p, _), .videoRegisterDevice(let p, _, _, _), .videoUnregisterDevice(let p, _):
            ([p], nil)
        case .cdevDeviceAdd(let c, let d, _), .cdevDeviceDel(let c, let d): ([c, d], nil)
        case .devmAddAction(_, let a, _), .call(_, let a), .requestIRQ(_, _, let a, _): ([a], nil)
        case .freeIRQ, .deviceCreateFile, .deviceRemoveFile, .moduleGet, .modulePut: ([], nil)
        case .getDrvdata(let n), .privateData(let n): ([], n)
        case .tableInsert(let t, _, let v): ([t, v], nil)
        case .tableRemove(let t, _): ([t], nil)
        case .tableLookup(let t, _, let n, _, _): ([t], n)
        case .read(let p, let n): ([p], n)
        case .write(let p, let v):
            if case .reference(let q) = v { ([p, q], nil) } else { ([p], nil) }
        case .waitEvent(let q, let u, _): ([q, u], nil)
        case .containerOf(let f, _, let n): ([f], n)
        case .fail: ([], nil)
        case .ttyPortRegisterDevice(let p, _, _), .ttyUnregisterDevice(let p), .ttyPortTTYHangup(let p),
             .mmcAddHost(let p), .mmcRemoveHost(let p), .mmcFreeHost(let p):
            ([p], nil)
        case .mmcAllocHost(_, let n, _): ([], n)
        // Net
        case .allocEtherdev(_, let n, _): ([], n)
        case .registerNetdev(let p, _, _), .unregisterNetdev(let p), .freeNetdev(let p), .devHold(let p), .devPut(let p): ([p], nil)
        }
    }
}
