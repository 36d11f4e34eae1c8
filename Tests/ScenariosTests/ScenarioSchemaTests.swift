import Testing
@testable import ScenarioModel

@Suite struct ScenarioSchemaTests {
    @Test func schemaIdentifier() { #expect(ScenarioSchema.current == "devmodel/scenario@2"); #expect(ScenarioSchema.supported == ["devmodel/scenario@1", "devmodel/scenario@2"]) }
}
