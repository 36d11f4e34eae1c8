import Testing
import Revocable

/// drivers/base/revocable_test.c as merged in January 2026 and reverted (`62eb557580eb`, Version A),
/// ported to our API. The kernel's provider/consumer pair maps to one `Revocable` reference:
/// ARC keeps the provider's memory alive for every handle, so the "consumer init" step cannot fail
/// or dangle, and a revoked provider answers ENODEV.
@Suite("KUnit revocable_test.c, Version A")
struct KUnitVersionATests {
    @Test("revocable_test_basic: try_access returns the resource, withdraw leaves")
    func revocable_test_basic() {
        let probe = Probe(7)
        let rev = Revocable(probe)
        let seen = rev.withAccess { $0 }
        #expect(seen === probe)
        #expect(!rev.isRevoked)
    }

    @Test("revocable_test_revocation: after revoke, try_access returns NULL")
    func revocable_test_revocation() throws {
        let rev = Revocable(Probe())
        #expect(rev.withAccess { $0 != nil })
        #expect(try rev.revoke() == .revoked)
        #expect(rev.withAccess { $0 == nil })
    }

    @Test("revocable_test_try_access_macro: the WITH scope helper yields the resource, then NULL")
    func revocable_test_try_access_macro() throws {
        let probe = Probe()
        let rev = Revocable(probe)
        rev.withAccess { res in #expect(res === probe) }
        try rev.revoke()
        rev.withAccess { res in #expect(res == nil) }
    }

    @Test("revocable_test_try_access_macro2: the SCOPED helper's body still runs after revoke, with NULL")
    func revocable_test_try_access_macro2() throws {
        let rev = Revocable(Probe())
        try rev.revoke()
        var bodyRan = false
        rev.withAccess { res in
            bodyRan = true
            #expect(res == nil)
        }
        #expect(bodyRan)
    }

    @Test("revocable_test_provider_use_after_free: a revoked provider, or a copy of its handle, gives ENODEV")
    func revocable_test_provider_use_after_free() throws {
        var original: Revocable<Probe>? = Revocable(Probe())
        let copiedHandle = original!            // like a pointer copied into file->private_data
        try original!.revoke()
        original = nil                          // the provider's owner is gone
        // Flaw 3 of the reverted API: the copy is non-NULL after revoke. Here it is a strong
        // reference to valid memory that answers ENODEV.
        #expect(throws: RevocableError.revoked) {
            try copiedHandle.withAccessOrENODEV { _ in 1 }
        }
        #expect(RevocableError.revoked.errno == .ENODEV)
        #expect(RevocableError.revoked.errno.rawValue == 19)
        // A "NULL provider": optional chaining, no access happens at all.
        let none: Revocable<Probe>? = nil
        #expect(none?.withAccess { $0 } == nil)
    }
}
