import Testing
@testable import Sanitizer

@Suite struct FindingKindTests {
    @Test func kindsHaveKernelStyleNames() { #expect(FindingKind.useAfterRelease.rawValue == "use-after-release") }
}
