import Instrumentation

/// Lockdep's dependency graph over lock *classes*, fed by `lock.acquire`/`lock.release`.
///
/// Taking class B while holding class A records the edge A→B with both acquisition sites.
/// A new edge that closes a cycle (B already reaches A) is an inversion, reported once per
/// pair of classes, whether or not anything hung. Nesting two locks of the same class is not
/// an edge (the device lock of a parent and its child share a class).
///
/// Cost: per acquire, one pass over the locks the thread holds (a few) and one dictionary
/// lookup per held class; a search of the graph only when an edge is new.
struct LockOrderGraph {
    struct Held {
        let lock: ObjectID
        let lockClass: String
        let name: String
        let record: SiteRecord

        /// The record with the lock's name: "lock.acquire chip0 (class chip.lock)".
        var named: SiteRecord {
            SiteRecord(kind: record.kind, detail: "\(name) (class \(lockClass))", site: record.site,
                       thread: record.thread, sequence: record.sequence)
        }
    }

    static func named(_ event: LifetimeEvent) -> SiteRecord {
        Held(lock: event.object, lockClass: event.detail, name: event.objectName, record: SiteRecord(event)).named
    }

    /// Why A→B is in the graph: A held (taken at `first`) when B was taken at `second`.
    struct Edge {
        let first: SiteRecord
        let second: SiteRecord
    }

    private var held: [UInt64: [Held]] = [:]
    private var edges: [String: [String: Edge]] = [:]
    private var reported: Set<[String]> = []

    /// Records an acquisition; returns a finding when it closes a cycle.
    mutating func acquire(_ event: LifetimeEvent) -> Finding? {
        let lockClass = event.detail
        let record = SiteRecord(event)
        var finding: Finding?
        for h in held[event.thread, default: []] where h.lockClass != lockClass {
            guard edges[h.lockClass]?[lockClass] == nil else { continue }
            // Only a new edge keeps its records, named with the lock instances.
            edges[h.lockClass, default: [:]][lockClass] = Edge(first: h.named, second: Self.named(event))
            if finding == nil, let path = path(from: lockClass, to: h.lockClass) {
                let pair = [h.lockClass, lockClass].sorted()
                if reported.insert(pair).inserted {
                    finding = inversion(held: h, taking: Self.named(event), lockClass: lockClass, event: event, reverse: path)
                }
            }
        }
        held[event.thread, default: []].append(Held(lock: event.object, lockClass: lockClass, name: event.objectName, record: record))
        return finding
    }

    /// Records a release: drops the newest hold of that lock by the thread.
    mutating func release(_ event: LifetimeEvent) {
        guard var list = held[event.thread], let i = list.lastIndex(where: { $0.lock == event.object }) else { return }
        list.remove(at: i)
        held[event.thread] = list.isEmpty ? nil : list
    }

    /// The edges of a path `from` ⇝ `to`, breadth first (shortest), or nil.
    private func path(from: String, to: String) -> [Edge]? {
        var previous: [String: (String, Edge)] = [:]
        var queue = [from]
        var seen: Set<String> = [from]
        var index = 0
        while index < queue.count {
            let node = queue[index]
            index += 1
            if node == to {
                var result: [Edge] = []
                var cursor = to
                while cursor != from, let (parent, edge) = previous[cursor] {
                    result.append(edge)
                    cursor = parent
                }
                return result.reversed()
            }
            for (next, edge) in edges[node] ?? [:] where seen.insert(next).inserted {
                previous[next] = (node, edge)
                queue.append(next)
            }
        }
        return nil
    }

    private func inversion(held h: Held, taking record: SiteRecord, lockClass: String,
                           event: LifetimeEvent, reverse: [Edge]) -> Finding {
        let otherOrder = reverse.flatMap { [$0.first, $0.second] }
        return Finding(
            kind: .lockOrderInversion, object: event.object, objectName: "lock class \(lockClass)",
            access: record, acquired: otherOrder, released: [],
            lastByOtherThread: nil,
            message: "possible circular locking dependency: \(h.lockClass) -> \(lockClass) here "
                + "(holding \(h.name) taken at \(h.record.site)), but \(lockClass) -> \(h.lockClass) was seen before",
            history: [h.named, record] + otherOrder)
    }
}
