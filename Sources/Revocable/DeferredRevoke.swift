import CShim
import Instrumentation

extension Revocable {
    /// Closes the fence now and returns at once; the teardown and then `completion` run later,
    /// on the grace-period thread, once the accesses that were inside have left (the kernel's
    /// `call_srcu`).
    ///
    /// May be called from inside an access to this revocable: the grace period simply ends after
    /// that access. `completion` receives ``RevokeOutcome/revoked`` if this call closed the fence,
    /// ``RevokeOutcome/alreadyRevoked`` otherwise (then it runs once the first revoke's teardown is
    /// done). Never blocks. Cost: one atomic operation and a queue append; the `membarrier` is
    /// paid by the grace-period thread, once per batch of deferred revokes.
    ///
    /// `completion` and the teardown must not block for long: they run on one shared thread and
    /// would delay other deferred revokes (never a synchronous one).
    public func revokeDeferred(site: CallSite,
                               then completion: (@Sendable (RevokeOutcome) -> Void)? = nil) {
        let first = _closeFence()
        if first {
            _emit(.revocableRevoke, detail: "deferred", site: site)
        } else {
            _emit(.revocableAlreadyRevoked, detail: "deferred", site: site)
        }
        GracePeriodThread.shared.enqueue(
            DeferredRevoke(self, first: first, site: site, completion: completion))
    }

    /// Closes the fence and suspends (without blocking a thread) until the accesses that were
    /// inside have left and the resource is torn down. Same guarantees as the synchronous
    /// ``revoke(site:)-3iojk``; the teardown runs on the grace-period thread.
    @discardableResult
    public func revoke(site: CallSite) async -> RevokeOutcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<RevokeOutcome, Never>) in
            revokeDeferred(site: site) { continuation.resume(returning: $0) }
        }
    }
}

/// One deferred revoke waiting for its grace period.
// Sendable: `readers` is touched only by the grace-period thread after enqueue (the queue's mutex hands it over).
final class DeferredRevoke<Resource>: PendingGracePeriod, @unchecked Sendable {
    // Only the grace-period thread touches these after enqueue.
    private let revocable: Revocable<Resource>
    private let first: Bool
    private let site: CallSite
    private let completion: (@Sendable (RevokeOutcome) -> Void)?
    private var readers: [OpaquePointer] = []

    init(_ revocable: Revocable<Resource>, first: Bool, site: CallSite,
         completion: (@Sendable (RevokeOutcome) -> Void)?) {
        self.revocable = revocable
        self.first = first
        self.site = site
        self.completion = completion
    }

    func start() {
        if first { readers = revocable._collectReaders() }
    }

    var waitingOn: [OpaquePointer] { readers }

    func poll() -> Bool {
        if first {
            readers.removeAll { dm_rev_names($0, revocable._key) == 0 }
            guard readers.isEmpty else { return false }
            revocable._tearDown(site: site)
            completion?(.revoked)
            return true
        }
        // Ask the first revoker to wake us when it is done (bit 2), then look.
        guard revocable._state.bitwiseOr(4, ordering: .sequentiallyConsistent).oldValue & 2 != 0 else {
            return false
        }
        completion?(.alreadyRevoked)
        return true
    }
}

// The caller's own line by default: a `CallSite()` default argument would record this file.
extension Revocable {
    public func revokeDeferred(fileID: StaticString = #fileID, line: UInt = #line,
                               then completion: (@Sendable (RevokeOutcome) -> Void)? = nil) {
        revokeDeferred(site: CallSite(fileID: fileID, line: line), then: completion)
    }

    @discardableResult
    public func revoke(fileID: StaticString = #fileID, line: UInt = #line) async -> RevokeOutcome {
        await revoke(site: CallSite(fileID: fileID, line: line))
    }
}
