import Instrumentation
import Synchronization

/// Deterministic fault injection, after the kernel's fail-nth: arm it to fail the Nth
/// injectable point (of the chosen kinds) that the model reaches, then run a probe. A sweep
/// arms 1, 2, 3, … until a run completes without consuming the fault; every failure point of
/// the probe has then been exercised exactly once.
///
/// Injectable points: every devres allocation and action registration, devres groups,
/// object-resource registrations, every probe step marked with ``BoundDevice/step(_:fileID:line:)``,
/// and points declared by higher layers (bus operations, cdev registration).
///
/// Cost when disarmed: one acquiring atomic load per point (it pairs with `arm`'s releasing
/// store).
public final class FaultInjector: Sendable {
    public enum PointKind: String, Sendable, CaseIterable, Codable {
        case devresAlloc, devresAction, objectAction, probeStep, busOperation, cdevRegistration
    }

    /// A point that was reached while the injector was counting.
    public struct Point: Sendable, CustomStringConvertible {
        public let index: Int
        public let kind: PointKind
        public let name: String
        public let device: String
        public let site: CallSite
        public var description: String { "#\(index) \(kind.rawValue) '\(name)' on \(device) at \(site)" }
    }

    private struct State {
        var failAt: Int? = nil
        var kinds: Set<PointKind> = Set(PointKind.allCases)
        var counted = 0
        var injected: Point? = nil
        var reached: [Point] = []
    }

    private let armed = Atomic<Bool>(false)
    /// The counter is shared state: the explorer's reduction must order points that reach it.
    private let id = ObjectID.next()
    private let state = Locked(State())
    private let events: EventStream

    init(events: EventStream) { self.events = events }

    /// Starts counting points of `kinds`; the `failAt`-th (1-based) will fail. `failAt: nil`
    /// only counts (to discover the points of a run).
    public func arm(failAt: Int?, kinds: Set<PointKind> = Set(PointKind.allCases)) {
        state.withLock { $0 = State(failAt: failAt, kinds: kinds) }
        armed.store(true, ordering: .releasing)
    }

    /// Stops counting and returns what the run reached and which point (if any) failed.
    @discardableResult
    public func disarm() -> (reached: [Point], injected: Point?) {
        armed.store(false, ordering: .releasing)
        return state.withLock { ($0.reached, $0.injected) }
    }

    /// The point that failed in the current arming, if one did.
    public var injected: Point? { state.withLock { $0.injected } }

    /// Called at each injectable point; true means "fail here".
    public func shouldFail(_ kind: PointKind, name: String, device: String, site: CallSite) -> Bool {
        guard armed.load(ordering: .acquiring) else { return false }
        Scheduling.touch(id)
        let fail: Point? = state.withLock { s in
            guard s.kinds.contains(kind) else { return nil }
            s.counted += 1
            let point = Point(index: s.counted, kind: kind, name: name, device: device, site: site)
            s.reached.append(point)
            if s.counted == s.failAt {
                s.injected = point
                return point
            }
            return nil
        }
        if let fail {
            events.emit(.faultInjected, object: .init(raw: 0), name: device, detail: fail.description, site: site)
            return true
        }
        return false
    }
}
