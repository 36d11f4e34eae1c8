import Instrumentation

/// Explains a hang: who waits for whom, with actor names, and the wait-for cycle if there
/// is one ("deadlock: a → b → a"); a wait queue nobody can signal is a lost wake-up.
/// Cost: linear in threads (plus a cycle search over at most one edge set per thread).
enum WaitFor {
    enum State {
        case runnable
        case finished
        case blocked(WaitTarget)
        case condition(String)
    }

    struct Slot {
        var name: String
        var state: State
        var insideFences: Set<ObjectID>
        /// Thread id → actor name, to name mutex owners.
        var ownerNames: [UInt64: String]
    }

    /// One line per stuck thread, preceded by the cycle when there is one.
    static func explain(slots: [Slot]) -> String {
        var lines: [String] = []
        var edges: [Int: [Int]] = [:]
        for (i, s) in slots.enumerated() {
            switch s.state {
            case .runnable, .finished: continue
            case .condition(let what): lines.append("\(s.name) \(what)")
            case .blocked(let target):
                switch target {
                case .mutex(_, let name, let owner):
                    let holder = s.ownerNames[owner] ?? (owner == 0 ? "nobody" : "thread \(owner) (not an actor)")
                    lines.append("\(s.name) waits for mutex \(name) held by \(holder)")
                    if let j = slots.firstIndex(where: { $0.name == holder }) { edges[i] = [j] }
                case .fenceReaders(let f, let name):
                    let readers = slots.indices.filter { $0 != i && slots[$0].insideFences.contains(f) }
                    let names = readers.map { slots[$0].name }
                    if readers.isEmpty {
                        lines.append("\(s.name) waits in synchronize(fence \(name)) and no actor is inside it")
                    } else {
                        lines.append("\(s.name) waits in synchronize(fence \(name)) for readers {\(names.joined(separator: ", "))}")
                    }
                    edges[i] = readers
                case .waitQueue(_, let name):
                    lines.append("lost wake-up: \(s.name) waits on wait queue \(name) and nobody can signal it")
                }
            }
        }
        if let cycle = findCycle(edges) {
            let path = (cycle + [cycle[0]]).map { slots[$0].name }.joined(separator: " → ")
            lines.insert("deadlock, wait-for cycle \(path)", at: 0)
        }
        return lines.joined(separator: "; ")
    }

    /// A cycle in the wait-for graph, as thread indices in order, or nil.
    static func findCycle(_ edges: [Int: [Int]]) -> [Int]? {
        for start in edges.keys.sorted() {
            var path = [start]
            var seen: Set<Int> = [start]
            var node = start
            // Follow first edges (a mutex has one owner); good enough for one cycle.
            while let next = edges[node]?.first {
                if next == start { return path }
                if seen.contains(next) { break }
                seen.insert(next)
                path.append(next)
                node = next
            }
        }
        return nil
    }
}
