/// What an execution runs besides the schedule: kernel debug modes the explorer applies to
/// every execution. They are part of the replay string's strategy field
/// (`pb2,delay-release`), so a replay applies them too.
public struct ExplorationOptions: Sendable, Equatable {
    /// Every final put becomes a choice: the release runs at once, or only after every actor
    /// finished (CONFIG_DEBUG_KOBJECT_RELEASE, which delays releases by a random time, made
    /// systematic: code that assumes the release ran when its put returned is caught in the
    /// delayed branch).
    public var delayReleases = false
    /// CONFIG_DEBUG_TEST_DRIVER_REMOVE for scenario boards: every successful probe is followed
    /// by a full remove and a second probe.
    public var testDriverRemove = false
    /// Fail the n-th injectable point (devres allocations and actions, probe steps, cdev
    /// registration) reached after the board is built, i.e. while the actors run: a fault
    /// inside the concurrent part of a scenario. Written `:f<n>` in replay strings.
    public var failNth: Int?
    /// Identical actors explored once (see `Symmetry`): among actors with the same steps on
    /// handles of their own, the lowest-numbered starts first. Off (`all-orders` in replay
    /// strings) for known-answer counts; never used by the reduced exhaustive search, whose
    /// backtracking assumes every order.
    public var identicalActorsOnce = true
    /// A scheduling point before every scenario step (`every-step-point` in replay strings),
    /// also where it only repeats schedules (see `StepPoints`). For checking that reduction.
    public var everyStepPoint = false

    public init(delayReleases: Bool = false, testDriverRemove: Bool = false, failNth: Int? = nil,
                identicalActorsOnce: Bool = true, everyStepPoint: Bool = false) {
        self.delayReleases = delayReleases
        self.testDriverRemove = testDriverRemove
        self.failNth = failNth
        self.identicalActorsOnce = identicalActorsOnce
        self.everyStepPoint = everyStepPoint
    }

    static let delayReleasesName = "delay-release"
    static let testDriverRemoveName = "test-driver-remove"
    static let allOrdersName = "all-orders"
    static let everyStepPointName = "every-step-point"

    /// `,delay-release,test-driver-remove,all-orders,every-step-point` (empty by default), appended to strategy codes.
    var suffix: String {
        (delayReleases ? "," + Self.delayReleasesName : "") + (testDriverRemove ? "," + Self.testDriverRemoveName : "")
            + (identicalActorsOnce ? "" : "," + Self.allOrdersName) + (everyStepPoint ? "," + Self.everyStepPointName : "")
    }

    /// The options a replay string names (strategy field modifiers and its fault field).
    init(_ replay: ReplayString) {
        let names = Set(replay.strategy.split(separator: ",").dropFirst().map(String.init))
        self.init(delayReleases: names.contains(Self.delayReleasesName), testDriverRemove: names.contains(Self.testDriverRemoveName),
                  failNth: replay.fault, identicalActorsOnce: !names.contains(Self.allOrdersName),
                  everyStepPoint: names.contains(Self.everyStepPointName))
    }
}
