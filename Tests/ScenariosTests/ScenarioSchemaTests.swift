import Testing
@testable import Scenarios

@Suite struct ScenarioSchemaTests {
    @Test func schemaIdentifier() { #expect(ScenarioSchema.current == "devmodel/scenario@1") }
}
