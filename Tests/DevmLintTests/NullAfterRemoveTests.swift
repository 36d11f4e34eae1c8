import Testing
@testable import DevmLint

/// remove() clears a pointer that file operations dereference: one rule, whatever the
/// memory is and whichever of the lint's paths (embedded miscdevice, static miscdevice)
/// found the fops.
@Suite("NULL after remove")
struct NullAfterRemoveTests {
    @Test func globalClearedByRemoveAndDereferencedUntested() throws {
        let r = try lintFixture("null_global")
        #expect(rules(r) == ["devm-null-after-remove"])
        let f = try #require(r.findings.first)
        #expect(f.rule.severity == .warning)
        #expect(f.message.contains("gauge_remove()") && f.message.contains("gauge_ioctl()"))
        #expect(f.notes.contains { $0.message.contains("can be unbound through sysfs") })
    }

    @Test func driverDataClearedByRemoveAndDereferencedInAHelper() throws {
        let r = try lintFixture("null_drvdata")
        #expect(rules(r) == ["devm-null-after-remove"])
        #expect(r.findings[0].notes.contains { $0.message.contains("through meter_value()") })
    }

    @Test func removeInAnotherFileClearingThroughAnExportedHelper() throws {
        let r = try lintFixture("null_multi_file")
        #expect(rules(r) == ["devm-null-after-remove"])
        let f = try #require(r.findings.first)
        #expect(f.location.file.hasSuffix("pad/pad-chardev.c"))
        #expect(f.notes.contains { $0.location?.file.hasSuffix("pad/pad-core.c") == true && $0.message.contains("can be unbound") })
    }

    @Test func devmEmbeddedWithAnUntestedGlobalIsNullAfterRemoveNotUAF() throws {
        #expect(rules(try lintFixture("null_devm_global")) == ["devm-null-after-remove"])
    }

    @Test func testedButUnlockedOnDevmMemoryStaysARace() throws {
        #expect(rules(try lintFixture("static_misc_unlocked")) == ["devm-uaf"])
    }

    @Test func testedPointerOnNonDevmMemoryIsNotReported() throws {
        #expect(try lintFixture("null_tested_kzalloc").findings.isEmpty)
    }

    @Test func clearedUnderTheFopsLockIsNotReported() throws {
        #expect(try lintFixture("static_misc_locked").findings.isEmpty)
        #expect(try lintFixture("global_locked").findings.isEmpty)
    }

    @Test func severitiesDifferByRule() {
        #expect(RuleID.devmUAF.severity == .error)
        #expect(RuleID.devmNullAfterRemove.severity == .warning)
    }
}

/// What counts as a NULL test of the pointer itself.
@Suite("NULL tests")
struct NullTestShapeTests {
    func tested(_ body: String) -> Bool {
        let u = parse("static int f(void) { struct s *p = g; \(body) }")
        return Analyzer.tests(["p", "g"], in: u.functions[0].body)
    }

    @Test func memberTestsAreNotPointerTests() {
        #expect(!tested("if (!p->initialized) return 0; return p->x;"))
        #expect(!tested("return p->a && p->b;"))
    }

    @Test func pointerTestsAreSeen() {
        #expect(tested("if (!p) return -ENODEV; return p->x;"))
        #expect(tested("if (p == NULL) return -ENODEV; return p->x;"))
        #expect(tested("if (unlikely(!g)) return -ENODEV; return g->x;"))
        #expect(tested("return p ? p->x : 0;"))
    }
}
