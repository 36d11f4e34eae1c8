import Instrumentation

/// What one transition (a thread running from one scheduling point to its next) touches, as
/// far as the reduction is concerned: the object its announced operation names.
///
/// Fence enter and exit only read the fence (two readers commute; a synchronize is a write);
/// every other operation writes its object. Step points (a scenario step starting, a custom
/// `.step`) write one shared pseudo-object, so steps of different actors keep their relative
/// order, while a step and another actor's model operation commute: what a step does before
/// its first model operation is the actor's own business (its handles), and the model
/// announces every operation on shared state. A scenario-level wait (`after:`, `wait:`) is
/// `global`: dependent on everything.
enum Access: Sendable, Hashable {
    case read(ObjectID)
    case write(ObjectID)
    case global

    init(_ operation: SchedulingOperation) {
        switch operation {
        case .fenceEnter(let o, _), .fenceExit(let o, _), .call(let o, _): self = .read(o)
        case .step: self = .write(Self.steps)
        default: self = operation.object.map(Access.write) ?? .global
        }
    }

    /// The pseudo-object that every step point writes.
    static let steps = ObjectID.next()
}

/// One transition of an execution, recorded for the reduction.
struct Transition: Sendable {
    var thread: Int
    /// Its announced operation's access, then a write of every object it touched before its
    /// next scheduling point (see ``Instrumentation/Scheduling/touch(_:)``).
    var accesses: [Access]
    /// The threads that could run in the state before it (for a choice: its options).
    var enabled: [Int]
    /// Not a thread running but a choice of the schedule (a delayed release): both options
    /// are always explored, and it orders nothing.
    var isChoice = false
}

/// Dynamic partial-order reduction (Flanagan and Godefroid, POPL 2005) over the explorer's
/// stateless executions: after each execution, every pair of dependent transitions of
/// different threads that are not ordered by happens-before (vector clocks, with reads of one
/// object not ordering each other) adds the later thread as a backtracking choice in the state
/// before the earlier one; only those choices are explored. Two transitions are dependent when
/// they touch the same object and one of them writes (see ``Access``).
///
/// Soundness rests on the model announcing a scheduling point before every operation on
/// shared state that another thread could order differently; the example scenarios are
/// explored with and without reduction in the tests, which must give the same outcomes.
///
/// With a preemption bound this is bounded partial-order reduction (Coons, Musuvathi and
/// McKinley, OOPSLA 2013): only schedules with at most `bound` preemptions are run, and a
/// race whose reversal in place would exceed the bound also adds its thread at the last
/// context switch at or before the racing transition — the conservative point: scheduling
/// the thread at the switch that started the running thread's block costs no more than that
/// switch did. Without the conservative points, bounding and reduction combined lose
/// schedules that either alone keeps. (The paper adds them for every race; adding them only
/// where the bound is in the way halves the canonical scenario's count at bound 2, with the
/// same outcomes on every example at bounds 2 and 3 — `BoundedReductionTests`, which is the
/// evidence for this variant: it has no proof of its own.)
struct PartialOrderReduction {
    struct Node {
        var enabled: [Int]
        var chosen: Int
        var backtrack: Set<Int>
        var done: Set<Int>
        /// The thread of the last transition before it (nil at the start): choosing another
        /// while this one is enabled is a preemption.
        var current: Int?
        var isChoice: Bool

        func preempts(_ t: Int) -> Bool {
            guard !isChoice, let current else { return false }
            return t != current && enabled.contains(current)
        }
    }

    /// Preemptions a schedule may make (Int.max: unbounded).
    var bound = Int.max

    /// The current path: one node per transition.
    private(set) var nodes: [Node] = []

    /// Takes in one execution that followed the current path up to `nodes.count` (the branch
    /// point was already entered by ``next()``) and adds its backtracking points.
    mutating func record(_ transitions: [Transition]) {
        let start = min(nodes.count, transitions.count)
        var current = transitions[..<start].last(where: { !$0.isChoice })?.thread
        for t in transitions[start...] {
            nodes.append(Node(enabled: t.enabled, chosen: t.thread, backtrack: t.isChoice ? Set(t.enabled) : [t.thread],
                              done: [t.thread], current: current, isChoice: t.isChoice))
            if !t.isChoice { current = t.thread }
        }
        for (j, p) in Self.races(transitions) {
            addBacktrack(p, at: j)
            // The conservative point, where reversing the race in place would exceed the bound.
            if bound != Int.max && preemptions(before: j) + (nodes[j].preempts(p) ? 1 : 0) > bound {
                addBacktrack(p, at: blockStart(j))
            }
        }
    }

    /// Thread `p` (or, where it cannot run, every thread that can) as a choice at node `j`.
    private mutating func addBacktrack(_ p: Int, at j: Int) {
        if nodes[j].enabled.contains(p) {
            nodes[j].backtrack.insert(p)
        } else {
            nodes[j].backtrack.formUnion(nodes[j].enabled)
        }
    }

    /// The preemptions of the current path before node `j`.
    private func preemptions(before j: Int) -> Int { nodes[..<j].count { $0.preempts($0.chosen) } }

    /// The first node of the block of transitions by one thread that contains node `j`: the
    /// last context switch at or before it.
    private func blockStart(_ j: Int) -> Int {
        var k = j
        while k > 0 && (nodes[k].isChoice || nodes[k].current == nodes[k].chosen) { k -= 1 }
        return k
    }

    /// The choices of the next execution (one per decision, as ``ScheduleChooser`` takes
    /// them), or nil when the reduced space is exhausted. Truncates the path to the branch.
    /// A choice that would exceed the bound is dropped.
    mutating func next() -> [Int]? {
        while let last = nodes.indices.last {
            while let t = nodes[last].backtrack.subtracting(nodes[last].done).min() {
                nodes[last].done.insert(t)
                if bound != Int.max && preemptions(before: last) + (nodes[last].preempts(t) ? 1 : 0) > bound { continue }
                nodes[last].chosen = t
                return nodes.filter { $0.enabled.count > 1 }.map(\.chosen)
            }
            nodes.removeLast()
        }
        return nil
    }

    /// For each transition i, the latest earlier transition j of another thread that is
    /// dependent with it and not happens-before it: (j, thread of i).
    static func races(_ transitions: [Transition]) -> [(Int, Int)] {
        typealias Clock = [Int]
        struct Stamp {
            var index: Int
            var thread: Int
            var clock: Clock
        }
        let n = (transitions.filter { !$0.isChoice }.map(\.thread).max() ?? -1) + 1
        var threadClock = Array(repeating: Clock(repeating: 0, count: n), count: n)
        var lastOfThread: [Stamp?] = Array(repeating: nil, count: n)
        var lastWrite: [ObjectID: Stamp] = [:]
        var readsSinceWrite: [ObjectID: [Int: Stamp]] = [:]
        var lastGlobal: Stamp?
        var races: [(Int, Int)] = []

        for (i, t) in transitions.enumerated() where !t.isChoice {
            let p = t.thread
            var dependent: [Stamp] = []
            for access in t.accesses {
                switch access {
                case .read(let o):
                    if let w = lastWrite[o] { dependent.append(w) }
                case .write(let o):
                    if let w = lastWrite[o] { dependent.append(w) }
                    dependent += readsSinceWrite[o, default: [:]].values
                case .global:
                    dependent += lastOfThread.compactMap { $0 }
                }
            }
            if let g = lastGlobal { dependent.append(g) }

            let mine = threadClock[p]
            let racing = dependent.filter { $0.thread != p && $0.clock[$0.thread] > mine[$0.thread] }
            if let j = racing.max(by: { $0.index < $1.index }) { races.append((j.index, p)) }

            var clock = mine
            for d in dependent {
                for k in 0..<n where d.clock[k] > clock[k] { clock[k] = d.clock[k] }
            }
            clock[p] += 1
            threadClock[p] = clock
            let stamp = Stamp(index: i, thread: p, clock: clock)
            lastOfThread[p] = stamp
            for access in t.accesses {
                switch access {
                case .read(let o):
                    // A transition that also writes `o` is recorded as its writer only.
                    if lastWrite[o]?.index != i { readsSinceWrite[o, default: [:]][p] = stamp }
                case .write(let o):
                    lastWrite[o] = stamp
                    readsSinceWrite[o] = nil
                case .global: lastGlobal = stamp
                }
            }
        }
        return races
    }
}

extension PartialOrderReduction {
    /// Exploration with the reduction (and at most `bound` preemptions), on one worker: run a
    /// schedule, add its backtracking points, run the deepest one not yet taken, until none is
    /// left.
    static func explore(on worker: ExplorationWorker, _ run: ExplorationRun, bound: Int = Int.max) {
        var reduction = PartialOrderReduction(bound: bound)
        var prefix: [Int] = []
        while true {
            let e = worker.execute(ScheduleChooser(prefix: prefix), recordingTransitions: true)
            guard run.record(e, on: worker) else { return }
            reduction.record(e.transitions)
            guard let next = reduction.next() else { return }
            prefix = next
        }
    }
}
