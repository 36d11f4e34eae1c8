import Foundation
import Testing
@testable import DevmLint

/// Registrations through exported wrappers in other folders.
@Suite("registration wrappers")
struct RegistrationWrapperTests {
    @Test func cdevRegisteredByAWrapperOneFolderUpIsFound() throws {
        let r = try lintFixture("wrapper_parent")
        #expect(rules(r) == ["devm-uaf"])
        let f = try #require(r.findings.first)
        #expect(f.location.file.hasSuffix("gadget/sub/profi.c"))
        #expect(f.notes.contains { $0.location?.file.hasSuffix("gadget/core.c") == true && $0.message.contains("cdev_add") })
    }

    @Test func theIndexKeysExportedWrappersTransitivelyAndNotStaticHelpers() throws {
        let base = try #require(Bundle.module.resourcePath) + "/Fixtures/wrapper_parent/drivers/gadget"
        let units = ["core.c", "sub/profi.c"].compactMap { FileParser.parse(path: base + "/" + $0) }
        let project = Project(units: units, resolver: IncludeResolver(treeRoot: nil))
        #expect(project.registrations.wrappers["gadget_dev_register"] == [0])
        #expect(project.registrations.wrappers["__gadget_dev_register"] == nil)
        #expect(project.registrations.wrappers["profi_probe"] == nil)
    }
}
