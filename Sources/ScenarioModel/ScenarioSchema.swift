/// The identifier every scenario file declares on its `schema:` line.
public enum ScenarioSchema {
    public static let current = "devmodel/scenario@1"
}
