import Conformance
import Testing
@testable import KernelCheck

@Suite struct KUnitTableTests {
    // A UML console log as the kernel prints it: printk prefixes, noise between lines, a
    // skipped case, and a suite we do not port.
    static let linuxLog = """
    [    0.510000] KTAP version 1
    [    0.510000] 1..2
    Some unrelated console line
    [    0.520000]     KTAP version 1
    [    0.520000]     # Subtest: platform-device-devm
    [    0.520000]     1..4
    [    0.530000]     ok 1 platform_device_devm_register_unregister_test
    [    0.540000]     ok 2 platform_device_devm_register_get_unregister_with_devm_test
    [    0.550000]     ok 3 probed_platform_device_devm_register_unregister_test
    [    0.560000]     not ok 4 probed_platform_device_devm_register_get_unregister_with_devm_test
    [    0.560000] ok 1 platform-device-devm
    [    0.570000]     KTAP version 1
    [    0.570000]     # Subtest: kunit-resource-test
    [    0.570000]     1..2
    [    0.580000]     ok 1 kunit_resource_test_remove_action
    [    0.580000]     ok 2 kunit_resource_test_release_action # SKIP not today
    [    0.590000] ok 2 kunit-resource-test
    """

    @Test func parsesCasesUnderTheirSuitesThroughConsolePrefixes() {
        let cases = KTAPResults.parse(Self.linuxLog)
        #expect(cases.count == 6)
        #expect(cases[0] == KTAPResults.Case(suite: "platform-device-devm", name: "platform_device_devm_register_unregister_test", status: "pass"))
        #expect(cases[3].status == "fail")
        #expect(cases[5] == KTAPResults.Case(suite: "kunit-resource-test", name: "kunit_resource_test_release_action", status: "skip"))
    }

    @Test func parsesOurOwnKTAP() {
        let ours = """
        KTAP version 1
        1..1
            KTAP version 1
            # Subtest: kunit_resource
            1..1
            ok 1 remove_action cancels, release_action runs once now
        ok 1 kunit_resource
        """
        #expect(KTAPResults.parse(ours) == [KTAPResults.Case(suite: "kunit_resource", name: "remove_action cancels, release_action runs once now", status: "pass")])
    }

    @Test func mergeLinesUpMappedCasesAndListsTheRest() {
        let ours = [KTAPResults.Case(suite: "platform-device-devm", name: "devm action on an unprobed device runs at unregister", status: "pass"),
                    KTAPResults.Case(suite: "kunit_resource", name: "remove_action cancels, release_action runs once now", status: "pass"),
                    KTAPResults.Case(suite: "revocable", name: "basic", status: "pass")]
        let rows = KUnitTable.merge(ours: ours, kernel: KTAPResults.parse(Self.linuxLog))
        #expect(rows.map(\.kernelCase) == ["platform_device_devm_register_unregister_test",
                                           "kunit_resource_test_remove_action", "kunit_resource_test_release_action", "-",
                                           "platform_device_devm_register_get_unregister_with_devm_test",
                                           "probed_platform_device_devm_register_unregister_test",
                                           "probed_platform_device_devm_register_get_unregister_with_devm_test"])
        #expect(rows[2].linuxStatus == "skip")
        #expect(rows[3].linuxStatus == "no such case")
        #expect(rows[4].ours == "(not ported)")
    }

    @Test func aMappedCaseLinuxDidNotRunSaysSo() {
        let ours = [KTAPResults.Case(suite: "drm_managed", name: "drm_test_managed_run_action", status: "pass")]
        #expect(KUnitTable.merge(ours: ours, kernel: []).first?.linuxStatus == "not run")
    }

    @Test func everyMapEntryNamesACaseOfOursOnce() {
        let ours = Set(ConformanceSuites.all.map { $0.suite + "/" + $0.name })
        let mapped = KUnitCaseMap.entries.map { $0.ourSuite + "/" + $0.ourName }
        #expect(Set(mapped).count == mapped.count)
        for m in mapped { #expect(ours.contains(m), "\(m) is not a conformance case") }
    }
}
