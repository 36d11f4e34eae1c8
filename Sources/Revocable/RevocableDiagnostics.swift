import CShim

/// Process-wide facts about the revocation machinery, for reports, tests and benchmarks.
public enum RevocableDiagnostics {
    /// True when readers rely on `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)` (compiler barriers
    /// only on the read side); false in the fallback where each access pays a full barrier
    /// (no membarrier support, or `DM_REVOCABLE_FENCE_MODE=1` in the environment at start-up).
    public static var usesMembarrier: Bool { dm_rev_uses_membarrier() != 0 }

    /// Threads that exited while inside an access (possible only by leaving a closure without
    /// returning, e.g. `pthread_exit`). Detected when the thread exits; its slots are then cleared,
    /// since it can no longer touch a resource, so no revoke waits for it.
    public static var threadsExitedInsideAccess: UInt64 { dm_rev_abandoned_threads() }

    /// Per-thread reader records in the registry: one per thread that ever entered an access,
    /// reused after the thread exits. A revoke scans them all, so this bounds its cost.
    public static var readerRecords: Int { Int(dm_rev_registry_size()) }
}
