import Testing
@testable import ScenarioModel

@Suite struct ScenarioSchemaTests {
    @Test func schemaIdentifier() { #expect(ScenarioSchema.current == "devmodel/scenario@1") }
}
