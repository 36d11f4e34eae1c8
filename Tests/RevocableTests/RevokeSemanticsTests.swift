import Dispatch
import Instrumentation
import Synchronization
import Testing
@testable import Revocable
import CShim
#if canImport(Glibc)
import Glibc
#endif

@Suite("revoke: idempotence, teardown, self-revoke, nesting")
struct RevokeSemanticsTests {
    @Test("second revoke returns alreadyRevoked and tears nothing down again")
    func idempotent() throws {
        let probe = Probe()
        let rev = Revocable(probe, teardown: { $0.tearDown() })
        #expect(try rev.revoke() == .revoked)
        #expect(try rev.revoke() == .alreadyRevoked)
        #expect(try rev.revoke() == .alreadyRevoked)
        #expect(probe.teardowns.load(ordering: .relaxed) == 1)
    }

    @Test("many threads revoke at once: exactly one .revoked, one teardown, all return after it")
    func concurrentRevokersTearDownOnce() {
        for _ in 0..<20 {
            let probe = Probe()
            let rev = Revocable(probe, teardown: { $0.tearDown() })
            let revokedCount = Atomic<Int>(0)
            let threads = (0..<4).map { _ in
                TestThread {
                    let outcome = try? rev.revoke()
                    if outcome == .revoked { revokedCount.add(1, ordering: .relaxed) }
                    // Whatever the outcome, the grace period is over when revoke returns.
                    #expect(probe.teardowns.load(ordering: .sequentiallyConsistent) == 1)
                }
            }
            threads.forEach { $0.join() }
            #expect(revokedCount.load(ordering: .relaxed) == 1)
            #expect(probe.teardowns.load(ordering: .relaxed) == 1)
        }
    }

    @Test("a second revoke during the first's grace period waits for that grace period only")
    func secondRevokeWaitsForSameGracePeriod() {
        let probe = Probe()
        let rev = Revocable(probe, teardown: { $0.tearDown() })
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let firstDone = DispatchSemaphore(value: 0), secondDone = DispatchSemaphore(value: 0)
        let reader = TestThread { rev.withAccess { _ in inside.signal(); release.wait() } }
        #expect(inside.waitOrTimeout())
        let first = TestThread { #expect((try? rev.revoke()) == .revoked); firstDone.signal() }
        while !rev.isRevoked { sched_yield() }
        let second = TestThread { #expect((try? rev.revoke()) == .alreadyRevoked); secondDone.signal() }
        #expect(secondDone.staysUnsignalled(), "the second call must not return before the teardown")
        release.signal()
        #expect(firstDone.waitOrTimeout())
        #expect(secondDone.waitOrTimeout())
        #expect(probe.teardowns.load(ordering: .relaxed) == 1)
        [reader, first, second].forEach { $0.join() }
    }

    @Test("never revoked: teardown runs once, when the last reference goes")
    func teardownWithoutRevoke() {
        let probe = Probe()
        do {
            let rev = Revocable(probe, teardown: { $0.tearDown() })
            _ = rev.withAccess { $0 }
        }
        #expect(probe.teardowns.load(ordering: .relaxed) == 1)
    }

    @Test("revoke from inside an access to the same revocable is a typed error, not a hang")
    func revokeInsideOwnAccess() {
        let recorder = EventRecorder()
        let events = EventStream()
        events.attach(recorder)
        let rev = Revocable(Probe(), name: "self", events: events)
        rev.withAccess { (res: Probe?) -> Void in
            #expect(res != nil)
            #expect(throws: RevocableError.revokeInsideAccess) { try rev.revoke() }
            // Also when nested inside another revocable's access.
            let other = Revocable(1)
            other.withAccess { (_: Int?) -> Void in
                #expect(throws: RevocableError.revokeInsideAccess) { try rev.revoke() }
            }
        }
        #expect(!rev.isRevoked, "a refused revoke changes nothing")
        #expect(RevocableError.revokeInsideAccess.errno == .EDEADLK)
        #expect(recorder.events(.revocableRevokeInsideAccess).count == 2)
        #expect((try? rev.revoke()) == .revoked)
    }

    @Test("revoke of X from inside an access to Y is fine (only its own access is refused)")
    func revokeOtherInsideAccess() throws {
        let x = Revocable(Probe(1)), y = Revocable(Probe(2))
        let outcome = try y.withAccess { (_: Probe?) throws(RevocableError) -> RevokeOutcome in try x.revoke() }
        #expect(outcome == .revoked)
        #expect(x.withAccess { $0 } == nil)
        #expect(y.withAccess { $0 } != nil)
    }

    @Test("revokeDeferred from inside its own access completes after that access")
    func deferredInsideOwnAccess() {
        let probe = Probe()
        let rev = Revocable(probe, teardown: { $0.tearDown() })
        let done = DispatchSemaphore(value: 0)
        rev.withAccess { res in
            rev.revokeDeferred { outcome in
                #expect(outcome == .revoked)
                done.signal()
            }
            #expect(res?.alive.load(ordering: .sequentiallyConsistent) == true)
            #expect(done.staysUnsignalled(), "the grace period cannot end while we are inside")
        }
        #expect(done.waitOrTimeout())
        #expect(probe.teardowns.load(ordering: .relaxed) == 1)
    }

    @Test("nesting: same and different revocables, deeper than the inline slots")
    func nesting() throws {
        let a = Revocable(Probe(1)), b = Revocable(Probe(2))
        let sum = a.withAccess { ra in
            b.withAccess { rb in
                a.withAccess { ra2 in (ra?.value ?? 0) + (rb?.value ?? 0) + (ra2?.value ?? 0) }
            }
        }
        #expect(sum == 4)

        // 40 levels: the first 8 slots are inline, the rest in chunks.
        let revs = (0..<40).map { Revocable(Probe($0)) }
        func dive(_ i: Int) -> Int {
            guard i < revs.count else { return 0 }
            return revs[i].withAccess { ($0?.value ?? -1000) + dive(i + 1) }
        }
        #expect(dive(0) == (0..<40).reduce(0, +))

        // A revoker waits for a reader nested deep inside.
        let deepest = revs[39]
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let revoked = DispatchSemaphore(value: 0)
        let reader = TestThread {
            func hold(_ i: Int) {
                if i == 39 { deepest.withAccess { _ in inside.signal(); release.wait() }; return }
                revs[i].withAccess { _ in hold(i + 1) }
            }
            hold(0)
        }
        #expect(inside.waitOrTimeout())
        let revoker = TestThread { _ = try? deepest.revoke(); revoked.signal() }
        #expect(revoked.staysUnsignalled())
        release.signal()
        #expect(revoked.waitOrTimeout())
        reader.join(); revoker.join()
        #expect(dive(0) == (0..<39).reduce(0, +) - 1000)
    }

    @Test("a thread that dies inside an access is detected and does not hang revoke")
    func threadExitInsideAccess() throws {
        let recorder = EventRecorder()
        let events = EventStream()
        events.attach(recorder)
        let rev = Revocable(Probe(), name: "abandoned", events: events)
        let before = RevocableDiagnostics.threadsExitedInsideAccess
        // The closure API cannot leave an access open; the C test hook simulates pthread_exit.
        let key = rev._key
        let t = TestThread { dm_rev_test_leak_section(key) }
        t.join()
        #expect(RevocableDiagnostics.threadsExitedInsideAccess == before + 1)
        #expect(try rev.revoke() == .revoked, "a dead reader must not hold the revoke")
        #expect(recorder.events(.revocableTeardown).count == 1)
    }

    @Test("events: revoke, teardown, alreadyRevoked")
    func events() throws {
        let recorder = EventRecorder()
        let events = EventStream()
        events.attach(recorder)
        let rev = Revocable(Probe(), name: "gpiochip0", events: events)
        try rev.revoke()
        try rev.revoke()
        let kinds = recorder.events.map(\.kind)
        #expect(kinds == [.revocableRevoke, .revocableTeardown, .revocableAlreadyRevoked])
        #expect(recorder.events.allSatisfy { $0.objectName == "gpiochip0" && $0.object == rev.id })
    }
}

@Suite("thread registry")
struct ThreadRegistryTests {
    @Test("records of exited threads are reused, so the registry does not grow with thread churn")
    func recordsAreReused() {
        _ = Revocable(0).withAccess { $0 }
        let before = RevocableDiagnostics.readerRecords
        let rev = Revocable(Probe())
        for _ in 0..<20 {
            let t = TestThread { _ = rev.withAccess { $0?.value } }
            t.join()
        }
        // Other tests run in parallel and may register a few threads of their own.
        #expect(RevocableDiagnostics.readerRecords - before < 10)
    }
}
