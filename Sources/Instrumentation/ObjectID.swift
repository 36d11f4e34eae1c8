import Synchronization

/// A process-wide unique identity for a modelled object (device, driver, fence, lock, file).
///
/// Identities are never reused, so a report about a released ("quarantined") object can
/// never be confused with a later object that happens to sit at the same address.
/// Cost: one relaxed atomic increment at creation.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let raw: UInt64

    public init(raw: UInt64) { self.raw = raw }

    /// A fresh identity, distinct from every other identity in this process.
    public static func next() -> ObjectID {
        ObjectID(raw: objectIDCounter.add(1, ordering: .relaxed).newValue)
    }

    public static func < (a: ObjectID, b: ObjectID) -> Bool { a.raw < b.raw }
    public var description: String { "#\(raw)" }
}

private let objectIDCounter = Atomic<UInt64>(0)
