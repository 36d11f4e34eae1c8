import Synchronization

/// Receives every event of an ``EventStream``. Called on the emitting thread, synchronously,
/// outside the model's internal locks; must be thread-safe and must not call back into the
/// object that emitted.
public protocol EventObserver: AnyObject, Sendable {
    func observe(_ event: LifetimeEvent)
}

/// The one hook through which the sanitizer, the explorer, timelines and tests watch the
/// model: every lifetime-relevant operation of the objects created against this stream is
/// reported here, with a sequence number, the object's identity and the call site.
///
/// Guarantee: each emitted event gets a unique, strictly increasing sequence number; every
/// observer attached before an operation starts sees that operation's event.
/// Cost: with no observer attached an `emit` is one relaxed atomic load and a branch; the
/// detail string is not even built (it is an autoclosure). With observers: one atomic
/// increment, a lock to snapshot the observer list, one call per observer.
public final class EventStream: Sendable {
    private let observers = Locked<[any EventObserver]>([])
    private let observed = Atomic<Bool>(false)
    private let sequence = Atomic<UInt64>(0)

    public init() {}

    /// True while at least one observer is attached.
    @inlinable
    public var isObserved: Bool { _isObserved() }

    @usableFromInline
    func _isObserved() -> Bool { observed.load(ordering: .relaxed) }

    public func attach(_ observer: any EventObserver) {
        observers.withLock { list in
            list.append(observer)
            observed.store(true, ordering: .releasing)
        }
    }

    public func detach(_ observer: any EventObserver) {
        observers.withLock { list in
            list.removeAll { $0 === observer }
            observed.store(!list.isEmpty, ordering: .releasing)
        }
    }

    /// Reports one event. `detail` is evaluated only when someone is listening.
    @inlinable
    public func emit(_ kind: EventKind, object: ObjectID, name: @autoclosure () -> String,
                     detail: @autoclosure () -> String = "", site: CallSite = .model) {
        guard _isObserved() else { return }
        _deliver(kind, object: object, name: name(), detail: detail(), site: site)
    }

    @usableFromInline
    func _deliver(_ kind: EventKind, object: ObjectID, name: String, detail: String, site: CallSite) {
        // What an event is about is shared state the explorer's reduction must respect.
        Scheduling.touch(object)
        let list = observers.withLock { $0 }
        let event = LifetimeEvent(
            sequence: sequence.add(1, ordering: .relaxed).newValue, time: monotonicNanoseconds(),
            kind: kind, object: object, objectName: name, detail: detail, site: site,
            thread: currentThreadID())
        for observer in list { observer.observe(event) }
    }
}

/// An observer that keeps every event, for tests, reports and the demo.
///
/// Cost: one lock and one array append per event.
public final class EventRecorder: EventObserver {
    private let storage = Locked<[LifetimeEvent]>([])
    private let keeping: EventKindMap<Bool>?

    /// Keeps every event, or only those of the `keeping` kinds (for long runs: a stress test
    /// emits millions of lock events it does not need).
    public init(keeping: Set<EventKind>? = nil) {
        self.keeping = keeping.map { EventKindMap(Dictionary(uniqueKeysWithValues: $0.map { ($0, true) })) }
    }

    public func observe(_ event: LifetimeEvent) {
        if let keeping, keeping[event.kind] == nil { return }
        storage.withLock { $0.append(event) }
    }

    /// All events so far, in sequence order.
    public var events: [LifetimeEvent] {
        storage.withLock { $0 }.sorted { $0.sequence < $1.sequence }
    }

    /// The events of the given kinds, in sequence order.
    public func events(_ kinds: EventKind...) -> [LifetimeEvent] {
        let wanted = Set(kinds)
        return events.filter { wanted.contains($0.kind) }
    }

    public func removeAll() { storage.withLock { $0.removeAll() } }
}
