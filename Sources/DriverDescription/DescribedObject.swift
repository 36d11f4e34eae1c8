import Instrumentation
import Revocable

/// One allocated instance of a described struct: its members' values, refcounts, locks and
/// wait queues, and who allocated and freed it.
///
/// Every access checks that the memory is still allocated. An access after the free does not
/// read anything: it emits `memory.useAfterFree` with the whole trail (allocated by, freed by,
/// accessed by, and the steps of other actors in between), which the sanitizer reports, and
/// fails with ``DescribedError/useAfterFree(_:)``. The storage itself stays (quarantined, never
/// reused), so every report can name it. Freeing a struct frees what it embeds.
///
/// Cost: one lock per access. Thread-safe.
public final class DescribedObject: Sendable, CustomStringConvertible {
    public let id = ObjectID.next()
    public let type: String
    public let allocation: Allocation
    /// "foo_priv#1": the type and an instance number unique in the world.
    public let name: String
    public let allocatedBy: Provenance
    let events: EventStream
    let log: OperationLog
    private let state = Locked(State())

    struct State {
        var values: [String: Value] = [:]
        var counts: [String: Int] = [:]
        /// Per refcounted member: references by holder key (unattributed ones under "").
        var holders: [String: [String: Int]] = [:]
        /// What each holder key is called in reports.
        var holderNames: [String: String] = [:]
        var memberIDs: [String: ObjectID] = [:]
        var locks: [String: ModelLock] = [:]
        var queues: [String: (lock: ModelLock, queue: WaitQueue)] = [:]
        var tables: [String: [Int: Value]] = [:]
        var fences: [String: Revocable<Bool>] = [:]
        var freedBy: Provenance?
    }

    init(type: String, allocation: Allocation, name: String, allocatedBy: Provenance, events: EventStream, log: OperationLog) {
        self.type = type
        self.allocation = allocation
        self.name = name
        self.allocatedBy = allocatedBy
        self.events = events
        self.log = log
        // Static memory is not allocated and never freed: not the sanitizer's business (its
        // leak check would count it).
        if allocation != .static {
            events.emit(.memoryAlloc, object: id, name: name, detail: "\(allocation.rawValue) by \(allocatedBy)", site: .model)
        }
    }

    public var description: String { name }

    /// True once freed.
    var isFreed: Bool { state.withLock { $0.freedBy != nil } }

    /// Runs `body` on the state if the memory is allocated; otherwise reports the access with
    /// its trail and throws.
    func access<R>(_ what: String, by who: Provenance, point: Bool = true,
                   _ body: (inout State) throws(DescribedError) -> R) throws(DescribedError) -> R {
        // A scheduling point before every access: another actor's free can come in between
        // any two steps, which is where the explorer must be able to put it.
        if point { Scheduling.point(.call(id, name: "\(what) \(name)")) }
        Scheduling.touch(id)
        let outcome: Result<R, DescribedError> = state.withLock { s in
            if let freed = s.freedBy { return .failure(.useAfterFree(trail(what, freed: freed, by: who))) }
            do throws(DescribedError) { return .success(try body(&s)) } catch { return .failure(error) }
        }
        if case .failure(.useAfterFree(let message)) = outcome {
            events.emit(.memoryUseAfterFree, object: id, name: name, detail: message, site: .model)
        }
        return try outcome.get()
    }

    /// Frees the memory. A second free is a double free (reported, nothing changes). `byDevres`
    /// marks a free done by devres at unbind, so the sanitizer ties it to that teardown.
    func free(by who: Provenance, byDevres: Bool) throws(DescribedError) {
        Scheduling.touch(id)
        var live: [(ObjectID, String)] = []
        let previous: Provenance? = state.withLock { s in
            if let f = s.freedBy { return f }
            s.freedBy = who
            live = s.counts.filter { $0.value > 0 }.compactMap { k, _ in s.memberIDs[k].map { ($0, k) } }
            return nil
        }
        if let previous {
            let message = "double free of \(name) (\(allocation.rawValue)): first freed by \(previous); again by \(who)"
            events.emit(.memoryDoubleFree, object: id, name: name, detail: message, site: .model)
            throw .doubleFree(message)
        }
        // The model's own site marks a devres free, which the sanitizer attributes to the
        // teardown that ran it; an explicit kfree is the user's.
        events.emit(.memoryFree, object: id, name: name, detail: "freed by \(who)",
                    site: byDevres ? .model : CallSite(fileID: "described", line: UInt(who.location?.line ?? 0)))
        // The refcounts embedded in it end with the memory (an error path frees a struct whose
        // cdev was initialised, never added); a later get or put is a use after free, caught
        // by the access check.
        for (member, key) in live { events.emit(.deviceRelease, object: member, name: "\(name).\(key)", site: .model) }
    }

    /// The object id of a member (for its refcount's events), made on first use.
    func memberID(_ key: String, in s: inout State) -> ObjectID {
        if let id = s.memberIDs[key] { return id }
        let id = ObjectID.next()
        s.memberIDs[key] = id
        return id
    }

    private func trail(_ what: String, freed: Provenance, by who: Provenance) -> String {
        var lines = ["use-after-free: \(what) of \(name) (\(type), \(allocation.rawValue))",
                     "  allocated by: \(allocatedBy)",
                     "  freed by:     \(freed)",
                     "  accessed by:  \(who)"]
        let between = log.between(freed.index, who.index, otherThan: who)
        if !between.isEmpty {
            lines.append("  in between (other actors): " + between.suffix(6).map(\.path).joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }
}
