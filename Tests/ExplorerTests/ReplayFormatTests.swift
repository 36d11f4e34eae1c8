import Testing
@testable import Explorer

@Suite struct ReplayFormatTests {
    @Test func version() { #expect(ReplayFormat.version == "dm1") }
}
