/// The prefix of every replay string the explorer prints (`dm1:<scenario-hash>:<strategy>:<choices>`).
public enum ReplayFormat {
    public static let version = "dm1"
}
