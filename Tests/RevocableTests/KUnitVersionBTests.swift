import Dispatch
import Testing
import Revocable

/// drivers/base/revocable_test.c in v10/v11 (May 2026 patches, Version B), ported.
/// Kernel refcounts map to ARC: "refcount back to N" is checked as "the object is freed when
/// the holders we expect are gone" (weak references), and "revoke drops the provider's reference
/// to the resource" as "the resource is released at revoke although the revocable lives on".
@Suite("KUnit revocable_test.c, Version B")
struct KUnitVersionBTests {
    @Test("revocable_test_basic: handles keep the provider alive; dropping them frees it")
    func revocable_test_basic() {
        weak var weakRev: Revocable<Probe>?
        do {
            let rev = Revocable(Probe())
            weakRev = rev
            let handle = rev                    // revocable_handle_init
            #expect(handle.withAccess { $0?.value } == 42)
            _ = handle                          // revocable_handle_deinit
        }
        #expect(weakRev == nil, "an access must not leave a reference behind")
    }

    final class Parent: Sendable {
        let chip: Revocable<Probe>
        init(_ probe: Probe) { chip = Revocable(probe, teardown: { $0.tearDown() }) }
    }

    @Test("revocable_test_embedded_basic: a revocable embedded in its parent object")
    func revocable_test_embedded_basic() {
        let probe = Probe()
        weak var weakParent: Parent?
        do {
            let parent = Parent(probe)
            weakParent = parent
            #expect(parent.chip.withAccess { $0 } === probe)
        }
        #expect(weakParent == nil)
        #expect(probe.teardowns.load(ordering: .relaxed) == 1, "never revoked: torn down with its owner")
    }

    @Test("revocable_test_embedded_revocation: revoke an embedded revocable, parent stays valid")
    func revocable_test_embedded_revocation() throws {
        let probe = Probe()
        let parent = Parent(probe)
        #expect(try parent.chip.revoke() == .revoked)
        #expect(parent.chip.withAccess { $0 } == nil)
        #expect(probe.teardowns.load(ordering: .relaxed) == 1)
    }

    @Test("revocable_test_revocation: after revoke NULL; the provider's hold on the resource is dropped")
    func revocable_test_revocation() throws {
        weak var weakProbe: Probe?
        let rev: Revocable<Probe>
        do {
            let probe = Probe()
            weakProbe = probe
            rev = Revocable(probe)
        }
        #expect(weakProbe != nil)
        try rev.revoke()
        #expect(rev.withAccess { $0 } == nil)
        #expect(weakProbe == nil, "revoke releases the resource while the revocable lives on")
    }

    struct ENXIO: Error, Equatable { let errno: Int32 = 6 }

    @Test("revocable_test_try_access_macro: every scope helper before and after revoke")
    func revocable_test_try_access_macro() throws {
        let probe = Probe(5)
        let rev = Revocable(probe)
        // revocable_try_access_with / _with_scoped
        #expect(rev.withAccess { $0?.value } == 5)
        // revocable_try_access_or_return_err (custom errno)
        let viaCustomError: Int = try rev.withAccess(orThrow: ENXIO()) { (chip: Probe) throws(ENXIO) -> Int in chip.value }
        #expect(viaCustomError == 5)
        // revocable_try_access_or_return (-ENODEV)
        #expect(try rev.withAccessOrENODEV { $0.value } == 5)
        // revocable_try_access_or_return_void / _or_skip_scoped
        var ran = false
        #expect(rev.ifAvailable { _ in ran = true } != nil)
        #expect(ran)

        try rev.revoke()

        #expect(rev.withAccess { $0?.value } == nil)
        do {
            _ = try rev.withAccess(orThrow: ENXIO()) { (chip: Probe) throws(ENXIO) -> Int in chip.value }
            Issue.record("expected ENXIO")
        } catch {
            #expect(error == ENXIO())
        }
        do {
            _ = try rev.withAccessOrENODEV { $0.value }
            Issue.record("expected ENODEV")
        } catch {
            #expect(error == .revoked)
            #expect(error.errno == .ENODEV)
        }
        ran = false
        #expect(rev.ifAvailable { _ in ran = true } == nil)
        #expect(!ran, "or_skip: the body is skipped when revoked")
    }

    @Test("revocable_test_concurrent_access: a reader inside blocks revoke until it withdraws; later readers see NULL")
    func revocable_test_concurrent_access() throws {
        weak var weakRev: Revocable<Probe>?
        do {
            let probe = Probe()
            let rev = Revocable(probe, teardown: { $0.tearDown() })
            weakRev = rev
            let inside = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let revoked = DispatchSemaphore(value: 0)
            let reader = TestThread {
                rev.withAccess { res in
                    inside.signal()
                    release.wait()
                    #expect(res?.alive.load(ordering: .sequentiallyConsistent) == true)
                }
            }
            #expect(inside.waitOrTimeout())
            let revoker = TestThread {
                #expect((try? rev.revoke()) == .revoked)
                revoked.signal()
            }
            #expect(revoked.staysUnsignalled(), "revoke must wait for the reader inside")
            #expect(probe.teardowns.load(ordering: .relaxed) == 0)
            release.signal()
            #expect(revoked.waitOrTimeout())
            reader.join()
            revoker.join()
            #expect(probe.teardowns.load(ordering: .relaxed) == 1)
            #expect(rev.withAccess { $0 } == nil)
        }
        #expect(weakRev == nil, "all references balanced")
    }
}
