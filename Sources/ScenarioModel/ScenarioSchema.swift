/// The identifiers a scenario file may declare on its `schema:` line.
public enum ScenarioSchema {
    /// Boards of built-in drivers, actors and expectations.
    public static let v1 = "devmodel/scenario@1"
    /// v1 plus described drivers: `objects:`, `globals:`, `functions:`, `fops:`, `drivers:`.
    public static let v2 = "devmodel/scenario@2"
    /// The newest; what new files should declare.
    public static let current = v2
    public static let supported = [v1, v2]
}
