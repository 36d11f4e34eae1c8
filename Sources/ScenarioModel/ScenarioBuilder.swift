/// The result-builder form of the scenario model, for Swift tests:
///
/// ```swift
/// let s = Scenario("blocked reader", board: BoardSpec(gpioChips: [GpioChipSpec(name: "gpio-sim.0", numLines: 8)])) {
///     ActorSpec("reader") {
///         StepSpec.open("gpiochip0").as("chip")
///         StepSpec.requestLines("chip", offsets: [3], edges: true).as("req")
///         StepSpec.read("req").label("blocked").expect(errno: "ENODEV", blocks: true)
///     }
///     ActorSpec("admin") {
///         StepSpec.wait(actor: "reader", blockedIn: "blocked")
///         StepSpec.unbind("gpio-sim.0")
///     }
/// }
/// ```
/// The same values a file produces; run ``ScenarioValidator/validate(_:file:lines:)`` on it
/// to get the file checks. Building costs nothing beyond the values.
@resultBuilder
public enum StepsBuilder {
    public static func buildExpression(_ step: StepSpec) -> [StepSpec] { [step] }
    public static func buildExpression(_ steps: [StepSpec]) -> [StepSpec] { steps }
    public static func buildBlock(_ parts: [StepSpec]...) -> [StepSpec] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [StepSpec]?) -> [StepSpec] { part ?? [] }
    public static func buildEither(first: [StepSpec]) -> [StepSpec] { first }
    public static func buildEither(second: [StepSpec]) -> [StepSpec] { second }
    public static func buildArray(_ parts: [[StepSpec]]) -> [StepSpec] { parts.flatMap { $0 } }
}

@resultBuilder
public enum ActorsBuilder {
    public static func buildExpression(_ actor: ActorSpec) -> [ActorSpec] { [actor] }
    public static func buildBlock(_ parts: [ActorSpec]...) -> [ActorSpec] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [ActorSpec]?) -> [ActorSpec] { part ?? [] }
    public static func buildArray(_ parts: [[ActorSpec]]) -> [ActorSpec] { parts.flatMap { $0 } }
}

extension Scenario {
    /// A scenario whose actors are given by a builder.
    public init(_ name: String, board: BoardSpec = BoardSpec(), expect: GlobalExpectations = GlobalExpectations(),
                timeoutNanoseconds: UInt64 = 2_000_000_000, @ActorsBuilder actors: () -> [ActorSpec]) {
        self.init(name: name, board: board, actors: actors(), expect: expect, timeoutNanoseconds: timeoutNanoseconds)
    }
}

extension ActorSpec {
    /// An actor whose steps are given by a builder.
    public init(_ name: String, @StepsBuilder steps: () -> [StepSpec]) {
        self.init(name: name, steps: steps())
    }
}

// MARK: Steps and modifiers

extension StepSpec {
    public static func open(_ path: String, nonblocking: Bool = false) -> StepSpec { StepSpec(.open(path: path, nonblocking: nonblocking)) }
    public static func requestLines(_ file: String, offsets: [Int], consumer: String = "scenario", output: Bool = false,
                                    edges: Bool = false) -> StepSpec {
        StepSpec(.requestLines(file: file, offsets: offsets, consumer: consumer, output: output, edges: edges))
    }
    public static func read(_ file: String) -> StepSpec { StepSpec(.read(file: file)) }
    public static func poll(_ file: String, timeoutNanoseconds: UInt64? = 0) -> StepSpec {
        StepSpec(.poll(file: file, timeoutNanoseconds: timeoutNanoseconds))
    }
    public static func ioctl(_ file: String, _ request: IoctlSpec) -> StepSpec { StepSpec(.ioctl(file: file, request: request)) }
    public static func write(_ file: String, _ data: String) -> StepSpec { StepSpec(.write(file: file, data: data)) }
    public static func close(_ file: String) -> StepSpec { StepSpec(.close(file: file)) }
    public static func sleep(nanoseconds: UInt64) -> StepSpec { StepSpec(.sleep(nanoseconds: nanoseconds)) }
    public static func bind(_ device: String, to driver: String) -> StepSpec { StepSpec(.bind(device: device, driver: driver)) }
    public static func unbind(_ device: String) -> StepSpec { StepSpec(.unbind(device: device)) }
    public static func unplug(_ port: String) -> StepSpec { StepSpec(.unplug(port: port)) }
    public static func replug(_ port: String) -> StepSpec { StepSpec(.replug(port: port)) }
    public static func driverOverride(_ device: String, _ driver: String?) -> StepSpec {
        StepSpec(.driverOverride(device: device, driver: driver))
    }
    public static func edge(_ chip: String, offset: Int, rising: Bool = true) -> StepSpec {
        StepSpec(.edge(chip: chip, offset: offset, rising: rising))
    }
    public static func wait(actor: String, blockedIn label: String) -> StepSpec { StepSpec(.wait(actor: actor, blockedIn: label)) }

    public func label(_ label: String) -> StepSpec { var s = self; s.label = label; return s }
    public func after(_ label: String) -> StepSpec { var s = self; s.after = label; return s }
    public func `as`(_ handle: String) -> StepSpec { var s = self; s.handle = handle; return s }
    /// Adds expectations (fields left nil keep what was there).
    public func expect(errno: String? = nil, returns: ScenarioValue? = nil, revents: [String]? = nil, blocks: Bool? = nil,
                       within: (nanoseconds: UInt64, after: String)? = nil) -> StepSpec {
        var s = self
        if let errno { s.expect.errno = errno }
        if let returns { s.expect.returns = returns }
        if let revents { s.expect.revents = revents }
        if let blocks { s.expect.blocks = blocks }
        if let within { s.expect.within = .init(nanoseconds: within.nanoseconds, after: within.after) }
        return s
    }
}
