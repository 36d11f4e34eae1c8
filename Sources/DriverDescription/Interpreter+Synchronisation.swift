import Instrumentation
import Revocable

/// Mutexes, wait queues, tables and driver-held revocation. Each lives in its struct's
/// memory: reaching one checks the memory first. Locks and queues are the model's own
/// (scheduling points for the explorer); re-initialising one that is in use replaces it, so
/// its old sleepers are never woken — the kernel's corrupted wait list (P11), seen as a hang.
extension Interpreter {
    func mutex(_ member: (Reference, MemberKind), who: Provenance) throws(DescribedError) -> ModelLock {
        let (r, kind) = member
        guard kind == .mutex || kind == .table else { throw .invalid("\(r) is a \(kind), not a mutex") }
        return try r.object.access("lock \(r.key)", by: who) { s throws(DescribedError) in lock(r, &s) }
    }

    private func lock(_ r: Reference, _ s: inout DescribedObject.State) -> ModelLock {
        if let l = s.locks[r.key] { return l }
        let l = ModelLock(class: "\(r.object.type).\(r.key)", name: r.description, events: world.kernel.events)
        s.locks[r.key] = l
        return l
    }

    private func queue(_ r: Reference, _ s: inout DescribedObject.State) -> (lock: ModelLock, queue: WaitQueue) {
        if let q = s.queues[r.key] { return q }
        let q = (ModelLock(class: "\(r.object.type).\(r.key).lock", name: "\(r).lock", events: world.kernel.events),
                 WaitQueue(name: r.description))
        s.queues[r.key] = q
        return q
    }

    /// `init_waitqueue_head` / `mutex_init`: a fresh one, whatever the old one had waiting.
    func reinitialise(_ member: (Reference, MemberKind), who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind == .waitQueue || kind == .mutex else { throw .invalid("\(r) is a \(kind), not a wait queue or mutex") }
        try r.object.access("init \(r.key)", by: who) { s throws(DescribedError) in
            s.queues[r.key] = nil
            s.locks[r.key] = nil
        }
    }

    func wakeUp(_ member: (Reference, MemberKind), who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind == .waitQueue else { throw .invalid("wake_up: \(r) is a \(kind), not a wait queue") }
        let q = try r.object.access("wake_up \(r.key)", by: who) { s throws(DescribedError) in queue(r, &s) }
        q.lock.withLock(site: .model) { q.queue.wakeAll(site: .model) }
    }

    func waitEvent(_ member: (Reference, MemberKind), until condition: Place, timeout: UInt64?, who: Provenance) throws(DescribedError) {
        let (r, kind) = member
        guard kind == .waitQueue else { throw .invalid("wait_event: \(r) is a \(kind), not a wait queue") }
        let q = try r.object.access("wait_event \(r.key)", by: who) { s throws(DescribedError) in queue(r, &s) }
        // The condition is re-read at every wake-up: the read checks the memory too, so a
        // sleeper woken after its struct was freed reports the use, and stops waiting.
        let failure = Locked<DescribedError?>(nil)
        let ready = { () -> Bool in
            guard failure.withLock({ $0 }) == nil else { return true }
            do throws(DescribedError) {
                return !(try self.load(condition, who: who, point: false).isZero)
            } catch {
                failure.withLock { $0 = error }
                return true
            }
        }
        q.lock.withLock(site: .model) {
            if let timeout {
                _ = q.queue.wait(until: ready, holding: q.lock, timeoutNanoseconds: timeout, site: .model)
            } else {
                q.queue.wait(until: ready, holding: q.lock, site: .model)
            }
        }
        if let e = failure.withLock({ $0 }) { throw e }
    }


    // MARK: Tables (IDR)

    private func table(_ member: (Reference, MemberKind)) throws(DescribedError) -> Reference {
        guard member.1 == .table else { throw .invalid("\(member.0) is a \(member.1), not a table") }
        return member.0
    }

    func tableInsert(_ member: (Reference, MemberKind), key: Int, value: Value, who: Provenance) throws(DescribedError) {
        let r = try table(member)
        let l = try mutex(member, who: who)
        try l.withLock(site: .model) { () throws(DescribedError) in
            try r.object.access("idr_alloc \(r.key)[\(key)]", by: who) { s throws(DescribedError) in
                guard s.tables[r.key, default: [:]][key] == nil else { throw .errno(.ENOSPC, "\(r)[\(key)] is taken") }
                s.tables[r.key, default: [:]][key] = value
            }
        }
    }

    func tableRemove(_ member: (Reference, MemberKind), key: Int, who: Provenance) throws(DescribedError) {
        let r = try table(member)
        let l = try mutex(member, who: who)
        try l.withLock(site: .model) { () throws(DescribedError) in
            try r.object.access("idr_remove \(r.key)[\(key)]", by: who) { s throws(DescribedError) in
                s.tables[r.key]?[key] = nil
            }
        }
    }

    /// `idr_find` and, when `get` names a refcounted member of what was found, a get on it:
    /// inside the table's lock (`locked`), or after releasing it — the window of P15.
    func tableLookup(_ member: (Reference, MemberKind), key: Int, locked: Bool, get: String?, holder: Holder?,
                     who: Provenance) throws(DescribedError) -> Value {
        let r = try table(member)
        let l = try mutex(member, who: who)
        let find = { () throws(DescribedError) -> Value in
            try r.object.access("idr_find \(r.key)[\(key)]", by: who) { s throws(DescribedError) in s.tables[r.key]?[key] ?? .null }
        }
        let take = { (found: Value) throws(DescribedError) in
            guard let get, case .reference(let target) = found else { return }
            guard let type = world.type(of: target), let kind = type.member(get)?.kind else {
                throw .invalid("idr_find: no member '\(get)' in what \(r) holds")
            }
            try refGet((Reference(target.object, path: target.path + [get]), kind), holder: holder, who: who)
        }
        let found: Value
        if locked {
            found = try l.withLock(site: .model) { () throws(DescribedError) -> Value in
                let v = try find()
                try take(v)
                return v
            }
        } else {
            found = try l.withLock(site: .model) { () throws(DescribedError) -> Value in try find() }
            try take(found)
        }
        if found.isZero { throw .errno(.ENOENT, "\(r)[\(key)]: nothing there") }
        return found
    }

    // MARK: Driver-held revocation

    private func fence(_ member: (Reference, MemberKind), who: Provenance) throws(DescribedError) -> Revocable<Bool> {
        let (r, kind) = member
        guard kind == .revocable else { throw .invalid("\(r) is a \(kind), not a revocable") }
        let events = world.kernel.events
        return try r.object.access("revocable \(r.key)", by: who) { s throws(DescribedError) in
            if let f = s.fences[r.key] { return f }
            let f = Revocable(true, name: r.description, events: events)
            s.fences[r.key] = f
            return f
        }
    }

    func revocableAccess(_ member: (Reference, MemberKind), steps: [Step], _ frame: inout Frame, who: Provenance) throws(DescribedError) {
        let f = try fence(member, who: who)
        try f.withAccess { (live: Bool?) throws(DescribedError) in
            guard live != nil else { throw .errno(.ENODEV, "\(member.0) is revoked") }
            try run(steps, &frame)
        }
    }

    func revoke(_ member: (Reference, MemberKind), who: Provenance) throws(DescribedError) {
        let f = try fence(member, who: who)
        do {
            _ = try f.revoke(site: .model)
        } catch {
            throw .errno(.EINVAL, "revoke \(member.0): \(error)")
        }
    }
}
