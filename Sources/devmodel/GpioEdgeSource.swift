import Foundation
import Instrumentation
import Subsystems

/// The signal on a simulated chip's lines for `gpio mon`: an ordered list of edges, played
/// from a thread through the chip's interrupt path (``GpioDevice/reportEdge(offset:rising:)``,
/// what gpio-sim's irq_sim does in the kernel), one every `period`.
///
/// The plan is fixed before anything runs, so a run's events — and with the source's clock
/// as timestamps, its whole output — are reproducible. Cost: one thread, one sleep per edge.
struct GpioEdgePlan: Equatable {
    struct Edge: Equatable {
        let offset: Int
        let rising: Bool
    }
    let edges: [Edge]

    /// Pulses each line in turn (rising, then falling), `pulses` times round.
    static func toggle(_ offsets: [Int], pulses: Int) -> GpioEdgePlan {
        GpioEdgePlan(edges: (0..<pulses).flatMap { _ in
            offsets.flatMap { [Edge(offset: $0, rising: true), Edge(offset: $0, rising: false)] }
        })
    }

    /// `count` edges, each on a line drawn with the seeded generator; each line alternates
    /// rising, falling, … as a real signal's level would.
    static func random(_ offsets: [Int], count: Int, seed: UInt64) -> GpioEdgePlan {
        var rng = SplitMix64(seed: seed)
        var high = Set<Int>()
        return GpioEdgePlan(edges: (0..<count).map { _ in
            let offset = offsets[Int(rng.next() % UInt64(offsets.count))]
            let rising = high.insert(offset).inserted
            if !rising { high.remove(offset) }
            return Edge(offset: offset, rising: rising)
        })
    }

    /// `LINE:rising|falling,…`, LINE an offset or a line name resolved by `resolve`.
    static func script(_ text: String, resolve: (String) -> Int?) throws(GpioScriptError) -> GpioEdgePlan {
        var edges: [Edge] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ["rising", "falling"].contains(parts[1]) else {
                throw GpioScriptError("'\(item)': expected LINE:rising or LINE:falling")
            }
            guard let offset = resolve(parts[0]) else { throw GpioScriptError("'\(item)': '\(parts[0])' is not a monitored line") }
            edges.append(Edge(offset: offset, rising: parts[1] == "rising"))
        }
        return GpioEdgePlan(edges: edges)
    }
}

/// A `--script` that cannot be played.
struct GpioScriptError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Plays a ``GpioEdgePlan`` on a thread. ``stop()`` ends it early (after the edge in progress)
/// and waits for the thread; ``isDone`` tells the monitor no more edges will come.
final class GpioEdgeSource: Sendable {
    private let state = Locked<(stopped: Bool, done: Bool)>((false, false))
    private let finished = DispatchSemaphore(value: 0)

    init(plan: GpioEdgePlan, device: GpioDevice, periodNanoseconds: UInt64) {
        let thread = Thread { [self] in
            for edge in plan.edges {
                if state.withLock({ $0.stopped }) { break }
                if periodNanoseconds > 0 { Thread.sleep(forTimeInterval: Double(periodNanoseconds) / 1e9) }
                Diagnostics.log.debug("drive \(device.name) line \(edge.offset) \(edge.rising ? "rising" : "falling")")
                device.reportEdge(offset: edge.offset, rising: edge.rising)
            }
            state.withLock { $0.done = true }
            finished.signal()
        }
        thread.name = "gpio edge source"
        thread.start()
    }

    var isDone: Bool { state.withLock { $0.done } }

    func stop() {
        state.withLock { $0.stopped = true }
        finished.wait()
        finished.signal()  // a second stop() returns at once
    }
}
