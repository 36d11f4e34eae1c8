import CShim
#if canImport(Glibc)
import Glibc
#endif

/// What happened, in the kernel's vocabulary. Extensible: each module declares the kinds it
/// raises in an extension (`EventKind.probeStart`, `EventKind.revoke`, …), the way
/// `Notification.Name` is extended, so the stream itself knows no module above it.
public struct EventKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// One lifetime-relevant event: a reference taken or dropped, a resource registered or
/// released, a probe, a bind, a revoke, a wake-up.
///
/// `sequence` is strictly increasing within one ``EventStream`` and totally orders the
/// events of all threads as they were *emitted*; observers on different threads may see
/// them out of order and sort by it.
public struct LifetimeEvent: Sendable, CustomStringConvertible {
    public let sequence: UInt64
    /// Monotonic clock, nanoseconds.
    public let time: UInt64
    public let kind: EventKind
    public let object: ObjectID
    /// The object's name (device name, fence name, …) at the time of the event.
    public let objectName: String
    /// Free-form detail: the resource's name, the reference count after the operation, an errno.
    public let detail: String
    public let site: CallSite
    /// Kernel thread id of the emitting thread.
    public let thread: UInt64

    public init(sequence: UInt64, time: UInt64, kind: EventKind, object: ObjectID, objectName: String,
                detail: String, site: CallSite, thread: UInt64) {
        self.sequence = sequence
        self.time = time
        self.kind = kind
        self.object = object
        self.objectName = objectName
        self.detail = detail
        self.site = site
        self.thread = thread
    }

    public var description: String {
        let d = detail.isEmpty ? "" : " \(detail)"
        return "[\(sequence)] \(kind) \(objectName)\(d) (\(site))"
    }
}

/// Monotonic nanoseconds (CLOCK_MONOTONIC).
@inlinable
public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// The calling thread's kernel thread id.
@inlinable
public func currentThreadID() -> UInt64 { dm_gettid() }
