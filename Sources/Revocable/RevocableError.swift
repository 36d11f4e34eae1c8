import Instrumentation

/// Why an operation on a ``Revocable`` could not be performed.
public enum RevocableError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The revocable was revoked: its resource is gone for good (`ENODEV`).
    case revoked
    /// `revoke()` was called by a thread that is inside an access to the same revocable.
    /// Waiting would wait for the caller itself, forever; nothing was changed (`EDEADLK`).
    case revokeInsideAccess

    /// The errno a kernel entry point would return for this error.
    public var errno: Errno {
        switch self {
        case .revoked: .ENODEV
        case .revokeInsideAccess: .EDEADLK
        }
    }

    public var description: String {
        switch self {
        case .revoked:
            "the resource was revoked (its provider is gone): ENODEV"
        case .revokeInsideAccess:
            "revoke() called from inside an access to the same revocable; it would wait for itself forever: EDEADLK"
        }
    }
}

/// What a call to `revoke` did.
public enum RevokeOutcome: Hashable, Sendable, CustomStringConvertible {
    /// This call closed the fence, waited for the accesses that were inside, and tore the
    /// resource down.
    case revoked
    /// An earlier call had closed the fence. This call waited only for that revoke to finish
    /// (the same grace period), never for anything more.
    case alreadyRevoked

    public var description: String {
        switch self {
        case .revoked: "revoked"
        case .alreadyRevoked: "already revoked"
        }
    }
}
