import CShim
import Instrumentation
#if canImport(Glibc)
import Glibc
#endif

extension Revocable {
    /// Closes the fence, waits for the accesses that were inside, then tears the resource down.
    ///
    /// When this returns, no access can see the resource any more and every access that saw it
    /// has left; accesses that start later get `nil` and are never waited for. Only readers of
    /// *this* revocable are waited for: a thread sleeping inside another revocable's access
    /// never delays it.
    ///
    /// Idempotent: a second call returns ``RevokeOutcome/alreadyRevoked``. If the first call's
    /// grace period is still running, the second waits for that same grace period (so the
    /// guarantee above holds after every call), never for anything more.
    ///
    /// Blocks while accesses that were inside are still inside (a short spin, then it sleeps).
    /// Cost with no reader inside: one `membarrier` system call (a local fence when called by
    /// an explorer's actor, whose readers are all parked) and a scan of the per-thread reader
    /// records, whatever the number of other revocables.
    ///
    /// - Throws: ``RevocableError/revokeInsideAccess`` when the calling thread is itself inside
    ///   an access to this revocable (it would wait for itself forever). Nothing is changed;
    ///   use ``revokeDeferred(site:then:)`` from inside an access.
    @discardableResult
    public func revoke(site: CallSite) throws(RevocableError) -> RevokeOutcome {
        Scheduling.point(.synchronize(id, name: name), site: site)
        if dm_rev_self_reading(_key) != 0 {
            _emit(.revocableRevokeInsideAccess, detail: "EDEADLK", site: site)
            throw .revokeInsideAccess
        }
        guard _closeFence() else {
            _waitUntilTornDown(site: site)
            _emit(.revocableAlreadyRevoked, detail: "", site: site)
            return .alreadyRevoked
        }
        _emit(.revocableRevoke, detail: "sync", site: site)
        // Our half of the store-buffering pairing argued in `withAccess`: after this, a reader
        // either sees the revoked bit or is visible in its slot to the scan below.
        if _slowPath(Scheduling.isAttached) && Scheduling.current != nil {
            // Under an explorer one actor runs at a time: every reader inside parked at a
            // scheduling point (a lock and a futex wait, full barriers) after its slot store,
            // so a fence here completes the pairing. membarrier would interrupt every CPU
            // running a thread of this process — the other explorer workers — for nothing
            // (an inter-processor interrupt per revoke cost two workers a third of their rate).
            dm_rev_local_barrier()
        } else {
            _ = dm_rev_barrier()
        }
        _waitForReaders(_collectReaders(), site: site)
        _tearDown(site: site)
        return .revoked
    }

    /// Sets the revoked bit; true when this call did it.
    func _closeFence() -> Bool {
        // seq_cst: in fence mode this RMW is the revoker's half of the store-buffering pairing.
        _state.bitwiseOr(1, ordering: .sequentiallyConsistent).oldValue & 1 == 0
    }

    /// The records of threads that are inside an access to `self`. Call after the barrier.
    func _collectReaders() -> [OpaquePointer] {
        var capacity = 8
        while true {
            let result = withUnsafeTemporaryAllocation(of: OpaquePointer?.self, capacity: capacity) { buffer in
                let found = Int(dm_rev_collect(_key, buffer.baseAddress, Int32(capacity)))
                return (found, found <= capacity ? buffer.prefix(found).compactMap { $0 } : [])
            }
            if result.0 <= capacity { return result.1 }
            capacity = result.0 * 2
        }
    }

    /// Blocks until none of `readers` names `self` any more. Each record is dropped the first
    /// time it is seen clear: anything it enters later saw the fence closed.
    func _waitForReaders(_ readers: [OpaquePointer], site: CallSite) {
        var pending = readers
        var round = 0
        while true {
            pending.removeAll { dm_rev_names($0, _key) == 0 }
            if pending.isEmpty { return }
            round += 1
            if _slowPath(Scheduling.isAttached), let controller = Scheduling.current {
                // Under an explorer only one thread runs: declare the wait instead of sleeping.
                controller.block(on: .fenceReaders(id, name: name), site: site)
                continue
            }
            if round < 64 {
                // Most accesses are short: a few hundred nanoseconds of polling beats a sleep.
                for _ in 0..<32 { dm_cpu_relax() }
                continue
            }
            if round < 80 {
                sched_yield()
                continue
            }
            _sleepUntilReadersMove(pending)
        }
    }

    /// Sleeps until one of `readers` leaves an access (or 10 ms pass, a safety net that only
    /// costs latency if a wake-up is ever missed).
    private func _sleepUntilReadersMove(_ readers: [OpaquePointer]) {
        readers.withUnsafeBufferPointer { buffer in
            let recs = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: OpaquePointer?.self)
            let n = Int32(buffer.count)
            let generation = dm_rev_wait_begin(recs, n)
            // Pairs with the compiler barrier in dm_rev_exit between clearing the slot and
            // reading `waiters`: either the reader sees our waiter count and wakes us, or this
            // re-check sees its slot cleared.
            _ = dm_rev_barrier()
            if buffer.contains(where: { dm_rev_names($0, _key) != 0 }) {
                dm_rev_wait(generation, 10_000_000)
            }
            dm_rev_wait_end(recs, n)
        }
    }

    /// Releases the resource: exactly once, by the call that closed the fence, after its grace
    /// period.
    func _tearDown(site: CallSite) {
        let resource = _resource
        _resource = nil
        _emit(.revocableTeardown, detail: "", site: site)
        if let resource, let teardown = _extras?.teardown { teardown(resource) }
        _ = consume resource
        let old = _state.bitwiseOr(2, ordering: .sequentiallyConsistent).oldValue
        if old & 4 != 0 { dm_rev_wake_all() }
        Scheduling.notify(.fenceReaders(id, name: name))
    }

    /// True once the grace period of the first revoke is over and the teardown has run.
    var _isTornDown: Bool { _state.load(ordering: .acquiring) & 2 != 0 }

    /// Waits for the teardown done by another revoke call (the same grace period).
    func _waitUntilTornDown(site: CallSite) {
        var round = 0
        while true {
            let generation = dm_rev_generation()
            // Announce the waiter before looking: the teardown sets bit 1 and then looks for bit 2.
            if _state.bitwiseOr(4, ordering: .sequentiallyConsistent).oldValue & 2 != 0 { return }
            round += 1
            if _slowPath(Scheduling.isAttached), let controller = Scheduling.current {
                controller.block(on: .fenceReaders(id, name: name), site: site)
            } else if round < 16 {
                sched_yield()
            } else {
                dm_rev_wait(generation, 10_000_000)
            }
        }
    }

    func _emit(_ kind: EventKind, detail: @autoclosure () -> String, site: CallSite) {
        _extras?.events?.emit(kind, object: id, name: name, detail: detail(), site: site)
    }
}

// The caller's own line by default: a `CallSite()` default argument would record this file.
extension Revocable {
    /// `revoke(site:)` (the throwing one) recording the caller's line.
    @discardableResult
    public func revoke(fileID: StaticString = #fileID, line: UInt = #line) throws(RevocableError) -> RevokeOutcome {
        try revoke(site: CallSite(fileID: fileID, line: line))
    }
}
