/// Which KUnit case of Linux 6.12 each conformance case ports, by the kernel's suite `.name`
/// and `KUNIT_CASE` name. Our cases keep descriptive names (they read as a specification in
/// `devmodel conformance`); this map lines the two KTAP streams up.
///
/// Guarantee: every entry names a case present in linux-source-6.12 (checked by reading the
/// files cited); cases whose kernel suite does not exist in 6.12 map to nothing and are
/// reported as such. Thread-safe: immutable.
public enum KUnitCaseMap {
    /// One of our cases and the kernel cases it ports.
    public struct Entry: Sendable, Equatable {
        public var ourSuite: String
        public var ourName: String
        public var kernelSuite: String?
        public var kernelCases: [String]
        /// Where the kernel's cases live, or why there are none.
        public var source: String
    }

    public static let entries: [Entry] = [
        Entry(ourSuite: "platform-device-devm", ourName: "devm action on an unprobed device runs at unregister",
              kernelSuite: "platform-device-devm", kernelCases: ["platform_device_devm_register_unregister_test"],
              source: "drivers/base/test/platform-device-test.c"),
        Entry(ourSuite: "platform-device-devm", ourName: "devm action dropping an extra reference: no leak",
              kernelSuite: "platform-device-devm", kernelCases: ["platform_device_devm_register_get_unregister_with_devm_test"],
              source: "drivers/base/test/platform-device-test.c"),
        Entry(ourSuite: "platform-device-devm", ourName: "devm action on a probed device runs at unregister",
              kernelSuite: "platform-device-devm", kernelCases: ["probed_platform_device_devm_register_unregister_test"],
              source: "drivers/base/test/platform-device-test.c"),
        Entry(ourSuite: "root-device-devm", ourName: "get + unregister: the action runs at unregister, not at the final put",
              kernelSuite: "root-device-devm", kernelCases: ["root_device_devm_register_get_unregister_with_devm_test"],
              source: "drivers/base/test/root-device-test.c"),
        Entry(ourSuite: "kunit_resource", ourName: "proper free ordering (LIFO)",
              kernelSuite: "kunit-resource-test", kernelCases: ["kunit_resource_test_proper_free_ordering"],
              source: "lib/kunit/kunit-test.c"),
        Entry(ourSuite: "kunit_resource", ourName: "remove_action cancels, release_action runs once now",
              kernelSuite: "kunit-resource-test",
              kernelCases: ["kunit_resource_test_remove_action", "kunit_resource_test_release_action"],
              source: "lib/kunit/kunit-test.c"),
        Entry(ourSuite: "drm_managed", ourName: "drm_test_managed_run_action",
              kernelSuite: "drm_managed", kernelCases: ["drm_test_managed_run_action"],
              source: "drivers/gpu/drm/tests/drm_managed_test.c"),
        Entry(ourSuite: "drm_managed", ourName: "drm_test_managed_release_action",
              kernelSuite: "drm_managed", kernelCases: ["drm_test_managed_release_action"],
              source: "drivers/gpu/drm/tests/drm_managed_test.c"),
        Entry(ourSuite: "drm_bridge_alloc", ourName: "drm_test_drm_bridge_alloc_get_put", kernelSuite: nil, kernelCases: [],
              source: "not in 6.12: drm_bridge refcounting (devm_drm_bridge_alloc) came later"),
    ]

    /// The entry for one of our cases, if it ports a kernel case.
    public static func entry(suite: String, name: String) -> Entry? {
        entries.first { $0.ourSuite == suite && $0.ourName == name }
    }
}
