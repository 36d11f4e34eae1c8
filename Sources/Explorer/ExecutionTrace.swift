import ExplorerEngine
import Instrumentation
import ScenarioExecution
import ScenarioModel

/// One schedule of a scenario recorded in full, for the run reports: the failing schedule of
/// an exploration as a Perfetto trace, an SVG timeline, KTAP or JSON, and its device tree
/// as DOT. Times are logical: one scheduling point is one millisecond of the timeline.
public struct ExecutionTrace: Sendable {
    /// Every step, the expectations' verdicts, the findings and every event but lock traffic.
    public var run: RunResult
    /// The device tree (Graphviz DOT) when the last actor finished, before the board is
    /// discarded: open files, links and states as the failure left them.
    public var tree: String
}

/// Stamps each event with the serializer's logical clock.
final class TickRecorder: EventObserver, Sendable {
    private let serializer: Serializer
    private let storage = Locked<[(LifetimeEvent, UInt64)]>([])

    init(serializer: Serializer) { self.serializer = serializer }

    func observe(_ event: LifetimeEvent) {
        if event.kind.rawValue.hasPrefix("lock.") { return }
        let tick = serializer.currentTick
        storage.withLock { $0.append((event, tick)) }
    }

    var events: [(LifetimeEvent, UInt64)] { storage.withLock { $0 } }
}
