import CShim
#if canImport(Glibc)
import Glibc
#endif

/// What happened, in the kernel's vocabulary. Extensible: each module declares the kinds it
/// raises in an extension (`EventKind.probeStart`, `EventKind.revoke`, …), the way
/// `Notification.Name` is extended, so the stream itself knows no module above it.
///
/// Each kind is interned when made: kinds with the same raw value share a small number
/// (``code``), which equality, hashing and ``EventKindMap`` use — every observer looks the
/// kind of every event up, and hashing a string there was a few percent of an explored
/// execution. Making a kind takes a lock (they are made once, as static constants).
public struct EventKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    /// Dense from 0 in order of first use, the same for equal raw values in one process;
    /// never persisted.
    public let code: Int
    public init(rawValue: String) {
        self.rawValue = rawValue
        code = eventKindCodes.withLock { codes in
            if let c = codes[rawValue] { return c }
            codes[rawValue] = codes.count
            return codes.count - 1
        }
    }
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public var description: String { rawValue }
    public static func == (a: EventKind, b: EventKind) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// A pthread-based lock (``Locked``), which the thread sanitizer sees; it does not see
/// Synchronization's `Mutex` on Linux and reported the table as racy.
private let eventKindCodes = Locked<[String: Int]>([:])

/// A table from event kinds to values, read with an array index: for observers that look up
/// the kind of every event. Kinds made after the table are simply absent.
public struct EventKindMap<Value: Sendable>: Sendable {
    private var values: [Value?] = []

    public init(_ entries: [EventKind: Value]) {
        for (kind, value) in entries {
            if kind.code >= values.count { values += Array(repeating: nil, count: kind.code + 1 - values.count) }
            values[kind.code] = value
        }
    }

    public subscript(kind: EventKind) -> Value? { kind.code < values.count ? values[kind.code] : nil }
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
