import CShim

/// An operation about to be performed at a scheduling point. The interleaving explorer
/// decides, before each of these, which thread runs next.
public enum SchedulingOperation: Sendable, Hashable, CustomStringConvertible {
    case lock(ObjectID, name: String)
    case unlock(ObjectID, name: String)
    /// Entering / leaving a read-side section of a revocation fence.
    case fenceEnter(ObjectID, name: String)
    case fenceExit(ObjectID, name: String)
    /// Waiting for a fence's pre-existing readers (revoke).
    case synchronize(ObjectID, name: String)
    case refGet(ObjectID, name: String)
    case refPut(ObjectID, name: String)
    /// About to sleep on, or to wake, a wait queue (blocking read, poll).
    case wait(ObjectID, name: String)
    case wake(ObjectID, name: String)
    /// A file operation entering the driver through its fence (the object is the device
    /// node): the driver can be preempted here, inside the read section, as the kernel can.
    case call(ObjectID, name: String)
    /// Any other visible step (a probe step, a syscall entry).
    case step(String)

    public var description: String {
        switch self {
        case .lock(_, let n): "lock(\(n))"
        case .unlock(_, let n): "unlock(\(n))"
        case .fenceEnter(_, let n): "enter(\(n))"
        case .fenceExit(_, let n): "exit(\(n))"
        case .synchronize(_, let n): "synchronize(\(n))"
        case .refGet(_, let n): "get(\(n))"
        case .refPut(_, let n): "put(\(n))"
        case .wait(_, let n): "wait(\(n))"
        case .wake(_, let n): "wake(\(n))"
        case .call(_, let n): "call(\(n))"
        case .step(let s): s
        }
    }

    /// The object the operation touches; operations on different objects are independent
    /// (the explorer's partial-order reduction relies on this).
    public var object: ObjectID? {
        switch self {
        case .lock(let o, _), .unlock(let o, _), .fenceEnter(let o, _), .fenceExit(let o, _),
             .synchronize(let o, _), .refGet(let o, _), .refPut(let o, _), .wait(let o, _), .wake(let o, _),
             .call(let o, _):
            o
        case .step: nil
        }
    }
}

/// What a blocked thread is waiting for, so a hang can be explained as a wait-for cycle
/// ("unbind waits in synchronize(fence gpiochip0) for readers {reader}; reader waits for
/// mutex chip.lock held by admin").
public enum WaitTarget: Sendable, Hashable, CustomStringConvertible {
    /// A mutex and the thread that holds it.
    case mutex(ObjectID, name: String, owner: UInt64)
    /// A fence's readers that were inside when synchronize started.
    case fenceReaders(ObjectID, name: String)
    /// A wait queue: whoever calls `wake` on it can release the waiter.
    case waitQueue(ObjectID, name: String)

    public var description: String {
        switch self {
        case .mutex(_, let n, let owner): "mutex \(n) held by thread \(owner)"
        case .fenceReaders(_, let n): "readers of fence \(n)"
        case .waitQueue(_, let n): "wait queue \(n)"
        }
    }

    public var object: ObjectID {
        switch self {
        case .mutex(let o, _, _), .fenceReaders(let o, _), .waitQueue(let o, _): o
        }
    }
}

/// The interface an interleaving explorer implements. A thread that has a controller
/// (see ``Scheduling/withController(_:_:)``) calls it at every scheduling point of the
/// model's primitives; other threads never do.
public protocol ExecutionController: AnyObject, Sendable {
    /// Called before `operation` is performed; may park the thread until it is chosen to run.
    func schedulingPoint(_ operation: SchedulingOperation, site: CallSite)
    /// The calling thread cannot proceed until `target` changes. Returns when the thread may
    /// re-check its condition (the primitive loops). Must not return at once forever: an
    /// explorer that finds every thread blocked reports the hang instead.
    func block(on target: WaitTarget, site: CallSite)
    /// Something that may unblock waiters on `target` happened (unlock, fence exit, wake).
    func notify(_ target: WaitTarget)
    /// The calling thread read or changed `object` without a scheduling point (model memory,
    /// anything an event is emitted about): the partial-order reduction must not reorder this
    /// transition with another that touches the same object.
    func touched(_ object: ObjectID)
    /// The final put of `object` is about to run its release. Returning true takes `release`
    /// to run it later (the explorer's systematic DEBUG_KOBJECT_RELEASE); false lets it run
    /// now, on the caller.
    func deferRelease(of object: ObjectID, name: String, _ release: @escaping @Sendable () -> Void) -> Bool
}

extension ExecutionController {
    public func touched(_ object: ObjectID) {}
    public func deferRelease(of object: ObjectID, name: String, _ release: @escaping @Sendable () -> Void) -> Bool { false }
}

/// Scheduling points: the hooks by which an explorer serialises the model's threads.
///
/// Guarantee: with no controller attached anywhere in the process, a scheduling point is a
/// relaxed load of one C global and a never-taken branch (the benchmarks print its cost).
/// With a controller attached, only threads that installed it are affected.
public enum Scheduling {
    /// True when some controller is attached somewhere in the process (cheap check).
    @inlinable
    public static var isAttached: Bool { dm_sched_attached() != 0 }

    /// The calling thread's controller, if any.
    public static var current: (any ExecutionController)? {
        guard let raw = dm_sched_current() else { return nil }
        return Unmanaged<ControllerBox>.fromOpaque(raw).takeUnretainedValue().controller
    }

    /// Announces `operation` before it is performed.
    @inlinable
    public static func point(_ operation: @autoclosure () -> SchedulingOperation, site: CallSite = .model) {
        if _slowPath(isAttached) { _point(operation(), site: site) }
    }

    @usableFromInline
    static func _point(_ operation: SchedulingOperation, site: CallSite) {
        current?.schedulingPoint(operation, site: site)
    }

    /// Tells the controller (if any) that this thread touched `object` between scheduling
    /// points. Same cost as ``point(_:site:)`` when nothing is attached.
    @inlinable
    public static func touch(_ object: ObjectID) {
        if _slowPath(isAttached) { current?.touched(object) }
    }

    /// Runs the release of `object` after its final put: now, unless a controller takes it
    /// to run later (see ``ExecutionController/deferRelease(of:name:_:)``).
    @inlinable
    public static func release(_ object: ObjectID, name: String, _ body: @escaping @Sendable () -> Void) {
        if _slowPath(isAttached), let c = current, c.deferRelease(of: object, name: name, body) { return }
        body()
    }

    /// Tells the controller (if any) that waiters on `target` may proceed.
    @inlinable
    public static func notify(_ target: @autoclosure () -> WaitTarget) {
        if _slowPath(isAttached) { current?.notify(target()) }
    }

    /// Runs `body` on the calling thread with `controller` installed; restores the previous one.
    public static func withController<R>(_ controller: any ExecutionController, _ body: () throws -> R) rethrows -> R {
        let box = Unmanaged.passRetained(ControllerBox(controller))
        let previous = dm_sched_current()
        dm_sched_set_current(box.toOpaque())
        dm_sched_attach_delta(1)
        defer {
            dm_sched_attach_delta(-1)
            dm_sched_set_current(previous)
            box.release()
        }
        return try body()
    }
}

final class ControllerBox {
    let controller: any ExecutionController
    init(_ controller: any ExecutionController) { self.controller = controller }
}
