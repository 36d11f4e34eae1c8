import Dispatch
import Synchronization
import Testing
import Revocable
#if canImport(Glibc)
import Glibc
#endif

@Suite("revoke under concurrency: isolation, shared handles, async and deferred forms, stress")
struct ConcurrencyTests {
    @Test("isolation: a reader sleeping in Y does not delay revoke of X")
    func isolation() throws {
        let x = Revocable(Probe(1)), y = Revocable(Probe(2))
        let insideY = DispatchSemaphore(value: 0), releaseY = DispatchSemaphore(value: 0)
        let sleeper = TestThread { y.withAccess { _ in insideY.signal(); releaseY.wait() } }
        #expect(insideY.waitOrTimeout())
        // Also a reader of X that has already left, on the same thread as... a different thread.
        _ = x.withAccess { $0 }
        let revokedX = DispatchSemaphore(value: 0)
        let revoker = TestThread { _ = try? x.revoke(); revokedX.signal() }
        // If revoke(X) waited for Y's reader it could not finish before releaseY: deterministic.
        #expect(revokedX.waitOrTimeout(), "revoke of X must not wait for a reader of Y")
        #expect(y.withAccess { $0 } != nil)
        releaseY.signal()
        sleeper.join(); revoker.join()
    }

    @Test("readers that enter after revoke see nothing and are never waited for")
    func lateReadersSeeNothing() throws {
        let rev = Revocable(Probe())
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let early = TestThread { rev.withAccess { _ in inside.signal(); release.wait() } }
        #expect(inside.waitOrTimeout())
        let revoked = DispatchSemaphore(value: 0)
        let revoker = TestThread { _ = try? rev.revoke(); revoked.signal() }
        while !rev.isRevoked { sched_yield() }
        // A late reader that sleeps inside its (nil) access must not hold the revoke.
        let lateInside = DispatchSemaphore(value: 0), lateRelease = DispatchSemaphore(value: 0)
        let late = TestThread {
            rev.withAccess { res in
                #expect(res == nil)
                lateInside.signal()
                lateRelease.wait()
            }
        }
        #expect(lateInside.waitOrTimeout())
        release.signal()
        #expect(revoked.waitOrTimeout(), "revoke waits for the early reader only")
        lateRelease.signal()
        early.join(); late.join(); revoker.join()
    }

    @Test("2+ threads sharing one handle, nesting on it, cannot break revoke")
    func sharedHandle() {
        for _ in 0..<10 {
            let probe = Probe()
            let shared = Revocable(probe, teardown: { $0.tearDown() })
            let start = DispatchSemaphore(value: 0)
            let violations = Atomic<Int>(0)
            let readers = (0..<3).map { _ in
                TestThread {
                    start.wait()
                    for _ in 0..<2_000 {
                        shared.withAccess { outer in
                            shared.withAccess { inner in
                                // Either may be nil (a revoke between them); a non-nil one is alive.
                                for res in [outer, inner] {
                                    if let res, !res.alive.load(ordering: .sequentiallyConsistent) {
                                        violations.add(1, ordering: .relaxed)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for _ in 0..<3 { start.signal() }
            let revoked = DispatchSemaphore(value: 0)
            let revoker = TestThread { _ = try? shared.revoke(); revoked.signal() }
            #expect(revoked.waitOrTimeout())
            readers.forEach { $0.join() }
            revoker.join()
            #expect(violations.load(ordering: .relaxed) == 0)
            #expect(probe.teardowns.load(ordering: .relaxed) == 1)
        }
    }

    @Test("await revoke() waits for the reader inside without blocking a thread")
    func asyncRevoke() async {
        let probe = Probe()
        let rev = Revocable(probe, teardown: { $0.tearDown() })
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let reader = TestThread { rev.withAccess { _ in inside.signal(); release.wait() } }
        #expect(inside.waitOrTimeout())
        // Once the revoke has begun it cannot tear down before the reader leaves.
        let releaser = TestThread {
            while !rev.isRevoked { sched_yield() }
            #expect(probe.teardowns.load(ordering: .sequentiallyConsistent) == 0)
            release.signal()
        }
        let outcome = await rev.revoke()
        #expect(outcome == .revoked)
        #expect(probe.teardowns.load(ordering: .relaxed) == 1)
        #expect(await rev.revoke() == .alreadyRevoked)
        reader.join(); releaser.join()
    }

    @Test("deferred revokes complete independently: one blocked by a sleeping reader does not hold another")
    func deferredIsolation() {
        let blocked = Revocable(Probe(1)), free = Revocable(Probe(2))
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let blockedDone = DispatchSemaphore(value: 0), freeDone = DispatchSemaphore(value: 0)
        let reader = TestThread { blocked.withAccess { _ in inside.signal(); release.wait() } }
        #expect(inside.waitOrTimeout())
        blocked.revokeDeferred { _ in blockedDone.signal() }
        free.revokeDeferred { outcome in #expect(outcome == .revoked); freeDone.signal() }
        #expect(freeDone.waitOrTimeout(), "the free revocable's grace period is not held by the other")
        #expect(blockedDone.staysUnsignalled())
        free.revokeDeferred { outcome in #expect(outcome == .alreadyRevoked); freeDone.signal() }
        #expect(freeDone.waitOrTimeout())
        release.signal()
        #expect(blockedDone.waitOrTimeout())
        reader.join()
    }

    /// Several threads enter and leave while another revokes at a random point; no access may
    /// observe the resource after `revoke` returned, nor a torn-down resource at any time.
    static func stress(seconds: Double, readers: Int) -> (rounds: Int, violations: Int) {
        let end = DispatchTime.now() + seconds
        var rounds = 0
        let violations = Atomic<Int>(0)
        while DispatchTime.now() < end || rounds < 5 {
            rounds += 1
            let probe = Probe()
            let rev = Revocable(probe, teardown: { $0.tearDown() })
            let revokeReturned = Atomic<Bool>(false)
            let stop = Atomic<Bool>(false)
            let threads = (0..<readers).map { i in
                TestThread {
                    var n = 0
                    while !stop.load(ordering: .relaxed) || n < 50 {
                        n += 1
                        let returnedBefore = revokeReturned.load(ordering: .sequentiallyConsistent)
                        rev.withAccess { res in
                            guard let res else { return }
                            if returnedBefore { violations.add(1, ordering: .relaxed) }
                            if !res.alive.load(ordering: .sequentiallyConsistent) { violations.add(1, ordering: .relaxed) }
                            if (n + i) % 97 == 0 { sched_yield() }       // sometimes stay inside longer
                            if !res.alive.load(ordering: .sequentiallyConsistent) { violations.add(1, ordering: .relaxed) }
                        }
                    }
                }
            }
            usleep(UInt32.random(in: 0...2_000))
            _ = try? rev.revoke()
            revokeReturned.store(true, ordering: .sequentiallyConsistent)
            if probe.teardowns.load(ordering: .sequentiallyConsistent) != 1 { violations.add(1, ordering: .relaxed) }
            usleep(200)
            stop.store(true, ordering: .relaxed)
            threads.forEach { $0.join() }
        }
        return (rounds, violations.load(ordering: .relaxed))
    }

    @Test("stress: readers enter/leave while revoke happens at random points (short)")
    func stressShort() {
        let result = Self.stress(seconds: 1.0, readers: 3)
        #expect(result.violations == 0)
        #expect(result.rounds >= 5)
    }

    @Test("stress, long: set REVOCABLE_STRESS_SECONDS", .enabled(if: getenv("REVOCABLE_STRESS_SECONDS") != nil))
    func stressLong() {
        let seconds = Double(String(cString: getenv("REVOCABLE_STRESS_SECONDS")!)) ?? 30
        let result = Self.stress(seconds: seconds, readers: 4)
        #expect(result.violations == 0)
    }
}
