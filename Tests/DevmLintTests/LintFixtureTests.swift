import Foundation
import Testing
@testable import DevmLint

/// Runs the linter over one fixture tree (a miniature kernel tree written for these tests).
func lintFixture(_ name: String) throws -> LintReport {
    let base = try #require(Bundle.module.resourcePath) + "/Fixtures/" + name
    return Linter(LintOptions(treeRoot: base, workers: 2)).lint(paths: [base + "/drivers"])
}

func rules(_ r: LintReport) -> [String] { r.findings.map(\.rule.rawValue) }

@Suite("devm memory")
struct DevmMemoryTests {
    @Test func devmKzallocEmbeddingMiscdeviceReachedByFopsIsReported() throws {
        let r = try lintFixture("misc_basic")
        #expect(rules(r) == ["devm-uaf"])
        let f = try #require(r.findings.first)
        #expect(f.location.file.hasSuffix("drivers/widget/widget.c"))
        #expect(f.message.contains("struct widget"))
        #expect(f.notes.contains { $0.message.contains("devm_kzalloc(&pdev->dev") })
        #expect(f.notes.contains { $0.message.contains("embedded by value at struct widget.misc") })
        #expect(f.notes.contains { $0.message.contains("can be unbound through sysfs") })
        #expect(f.notes.contains { $0.message.contains("widget_read()") && $0.message.contains("container_of") })
        #expect(r.exitCode == 1)
    }

    @Test func plainKzallocIsNotDevmMemory() throws {
        let r = try lintFixture("misc_kzalloc")
        #expect(r.findings.isEmpty)
        #expect(r.exitCode == 0)
    }

    @Test func refcountedDevmObjectsAreNotMemory() throws {
        #expect(try lintFixture("rtc_refcounted").findings.isEmpty)
        #expect(DevmMemory.allocators["devm_rtc_allocate_device"] == nil)
        #expect(DevmMemory.allocators["devm_kmemdup"] != nil)
    }

    @Test func explicitDevmKfreeInRemoveIsNamedInTheEvidence() throws {
        let r = try lintFixture("multi_file")
        let f = try #require(r.findings.first)
        #expect(f.notes.contains { $0.message.contains("devm_kfree") })
    }
}

@Suite("what user space can hold")
struct EmbeddingTests {
    @Test func cdevNestedTwoLevelsDeepInAnArrayIsFound() throws {
        let r = try lintFixture("nested")
        #expect(rules(r) == ["devm-uaf"])
        let f = try #require(r.findings.first)
        #expect(f.notes.contains { $0.message.contains("hw.ports.cdev") && $0.message.contains("array") })
    }

    @Test func embeddedCdevIsAHazardWhateverTheFopsDo() throws {
        let r = try lintFixture("cdev_plain")
        #expect(rules(r) == ["devm-uaf"])
        #expect(r.findings[0].notes.contains { $0.message.contains("cdev_put()") })
    }

    @Test func structNamesResolvePerFileThroughIncludes() throws {
        let r = try lintFixture("same_tag")
        #expect(rules(r) == ["devm-uaf"])
        #expect(r.findings[0].location.file.hasSuffix("alpha/alpha.c"))
    }

    @Test func structFromTheTreesIncludeRootIsResolved() throws {
        let r = try lintFixture("include_root")
        #expect(rules(r) == ["devm-uaf"])
        #expect(r.findings[0].notes.contains { $0.location?.file.hasSuffix("include/linux/gizmo.h") == true })
    }

    @Test func miscdeviceWithoutFileOperationsIsHarmless() throws {
        #expect(try lintFixture("misc_no_fops").findings.isEmpty)
    }
}

@Suite("can the device be unbound")
struct UnbindTests {
    @Test func suppressBindAttrsWithFopsOwnerIsSafe() throws {
        #expect(try lintFixture("suppress_owner").findings.isEmpty)
    }

    @Test func suppressBindAttrsWithoutOwnerStillAllowsModuleUnload() throws {
        let r = try lintFixture("suppress_noowner")
        #expect(rules(r) == ["devm-uaf"])
        #expect(r.findings[0].notes.contains { $0.message.contains("module can be unloaded") })
    }

    @Test func platformDriverProbeHelperImpliesSuppressBindAttrs() throws {
        #expect(try lintFixture("probe_helper").findings.isEmpty)
    }

    @Test func usbCanAlwaysBeUnplugged() throws {
        let r = try lintFixture("usb_hotplug")
        #expect(rules(r) == ["devm-uaf"])
        #expect(r.findings[0].notes.contains { $0.message.contains("unplugged") })
    }
}

@Suite("do file operations reach the memory")
struct ReachTests {
    @Test func containerOfBehindAMacro() throws {
        #expect(rules(try lintFixture("helper_macro")) == ["devm-uaf"])
    }

    @Test func containerOfBehindAHelperFunction() throws {
        let r = try lintFixture("helper_function")
        #expect(rules(r) == ["devm-uaf"])
        #expect(r.findings[0].notes.contains { $0.message.contains("widget_from_file(") })
    }

    @Test func openStoringTheStructInPrivateData() throws {
        #expect(rules(try lintFixture("open_private")) == ["devm-uaf"])
    }

    @Test func perOpenObjectThatCopiesIsSafe() throws {
        #expect(try lintFixture("per_open_copy").findings.isEmpty)
    }

    @Test func perOpenObjectWithBackPointerIsNot() throws {
        let r = try lintFixture("per_open_backptr")
        #expect(rules(r) == ["devm-uaf"])
        #expect(r.findings[0].notes.contains { $0.message.contains("back-pointer") })
    }

    @Test func globalClearedUnderTheFopsLockIsSafe() throws {
        #expect(try lintFixture("global_locked").findings.isEmpty)
    }

    @Test func globalNeverClearedIsADifferentBug() throws {
        #expect(rules(try lintFixture("global_stale")) == ["devm-stale-global"])
    }

    @Test func getDeviceInOpenIsNotAFix() throws {
        #expect(rules(try lintFixture("get_device")) == ["devm-uaf"])
    }

    @Test func codeSpreadOverSeveralFiles() throws {
        let r = try lintFixture("multi_file")
        #expect(rules(r) == ["devm-uaf"])
        let f = try #require(r.findings.first)
        #expect(f.location.file.hasSuffix("multi-core.c"))
        #expect(f.notes.contains { $0.location?.file.hasSuffix("multi.h") == true })
        #expect(f.notes.contains { $0.location?.file.hasSuffix("multi-chardev.c") == true && $0.message.contains("misc_register") })
        #expect(f.notes.contains { $0.location?.file.hasSuffix("multi-drv.c") == true && $0.message.contains("i2c_driver") })
    }
}

@Suite("suppression and robustness")
struct SuppressionTests {
    @Test func suppressionWithReasonSilences() throws {
        let r = try lintFixture("suppressed")
        #expect(r.findings.isEmpty)
        #expect(r.suppressed == 1)
    }

    @Test func suppressionWithoutReasonIsItselfReported() throws {
        let r = try lintFixture("suppressed_noreason")
        #expect(Set(rules(r)) == ["lint-suppression", "devm-uaf"])
    }

    @Test func malformedInputNeitherCrashesNorReports() throws {
        let r = try lintFixture("malformed")
        #expect(r.findings.isEmpty)
        #expect(r.filesParsed == 1)
    }

    @Test func missingPathIsADiagnosticNotACrash() {
        let r = Linter().lint(paths: ["/nonexistent/devm-lint-test"])
        #expect(r.findings.isEmpty)
        #expect(r.diagnostics.count == 1)
        #expect(r.exitCode == 66)
    }
}

@Suite("static miscdevice reaching devm memory through a global")
struct GlobalMiscTests {
    @Test func neverClearedIsStaleGlobal() throws {
        let r = try lintFixture("static_misc_stale")
        #expect(rules(r) == ["devm-stale-global"])
        #expect(r.findings[0].notes.contains { $0.message.contains("published in global panel_dev") })
    }

    @Test func clearedUnderTheFopsLockIsSafe() throws {
        #expect(try lintFixture("static_misc_locked").findings.isEmpty)
    }

    @Test func allocationStoredInAGlobalStructMemberReachedThroughAHelper() throws {
        let r = try lintFixture("global_member")
        #expect(rules(r) == ["devm-stale-global"])
        #expect(r.findings[0].notes.contains { $0.message.contains("through sensor_read_chan()") && $0.message.contains("state.chans") })
    }

    @Test func clearedWithoutTheLockIsARace() throws {
        #expect(rules(try lintFixture("static_misc_unlocked")) == ["devm-uaf"])
    }
}

@Suite("fops and driver shapes")
struct ShapeTests {
    @Test func fopsInACompoundLiteral() throws {
        #expect(rules(try lintFixture("compound_fops")) == ["devm-uaf"])
    }

    @Test func fopsSetByAHelperHandedTheMiscdevice() throws {
        #expect(rules(try lintFixture("fops_helper_param")) == ["devm-uaf"])
    }

    @Test func suppressBindAttrsInsideDrv() throws {
        #expect(try lintFixture("drv_field").findings.isEmpty)
    }
}
