import Instrumentation

extension EventKind {
    /// A `revoke` closed the fence (detail: "sync", "async" or "deferred").
    public static let revocableRevoke = EventKind("revocable.revoke")
    /// A `revoke` found the fence already closed.
    public static let revocableAlreadyRevoked = EventKind("revocable.alreadyRevoked")
    /// The grace period ended and the resource was torn down (exactly once per revocable).
    public static let revocableTeardown = EventKind("revocable.teardown")
    /// `revoke()` was called from inside an access to the same revocable and refused.
    public static let revocableRevokeInsideAccess = EventKind("revocable.revokeInsideAccess")
}
