import SimHardware
import ScenarioModel

/// Writes a scenario as a Promela model for SPIN, so the explorer's verdict and its set of
/// final outcomes can be checked against a second, independent model checker (issue 7).
///
/// The translation covers the subset whose semantics `PromelaModel` restates: a board of at
/// most one gpio-sim chip and any misc pipes; `open`, `close`, `ioctl` (chip_info, line_info,
/// fionread), `read`, `write` (misc pipes), `poll` with no timeout, and `unbind` / `bind` of a
/// board device by the one actor that owns its binding; step expectations on `errno` only.
/// Anything else is refused with its location, never approximated: a silently different
/// model would make the cross-check meaningless.
///
/// Each actor is a process; an observer waits until every actor finished or nothing can move
/// (a hang) and prints `OUTCOME <actor[i]=ERRNO …> VERDICT=pass|fail` in the explorer's own
/// outcome format. Compile the verifier with `-DPRINTF` so those lines are printed during the
/// search and run it with `-E` (a hang is an outcome here, not an error of the model).
public enum PromelaExporter {
    /// The Promela text of `scenario`, or every reason it cannot be exported, located.
    public static func export(_ scenario: Scenario, file: String) throws(ScenarioError) -> String {
        var plan = Plan(scenario: scenario, file: file)
        plan.check()
        if !plan.problems.isEmpty { throw ScenarioError(plan.problems) }
        return plan.render()
    }
}

/// The exported shape: devices, instances, files and steps, numbered.
struct Plan {
    enum Kind: Equatable { case gpioChip(lines: Int), miscPipe }
    struct Device { var name: String; var node: String; var kind: Kind; var driver: String }

    let scenario: Scenario
    let file: String
    var devices: [Device] = []
    var problems: [ScenarioDiagnostic] = []
    /// Instance numbers: each device's first registration, then one per `bind` step (in its
    /// owner's order, which is the only order since one actor owns a device's binding).
    var instanceOfBind: [StepKey: Int] = [:]
    var instanceOfUnbind: [StepKey: Int] = [:]
    var instances = 0
    /// One file slot per `open` step; handles are global, as in the runner.
    var slotOfOpen: [StepKey: Int] = [:]
    var handles: [String] = []

    struct StepKey: Hashable { var actor: Int; var step: Int }

    init(scenario: Scenario, file: String) {
        self.scenario = scenario
        self.file = file
        let board = scenario.board
        devices = board.gpioChips.map { Device(name: $0.name, node: "gpiochip0", kind: .gpioChip(lines: $0.numLines),
                                                driver: BuiltinDrivers.gpioSim) }
            + board.miscDevices.map { Device(name: $0.name, node: $0.node, kind: .miscPipe, driver: BuiltinDrivers.miscPipe) }
        instances = devices.count
    }

    mutating func refuse(_ message: String, at location: SourceLocation?) {
        problems.append(ScenarioDiagnostic(file: file, location: location ?? SourceLocation(line: 1, column: 1),
                                           message: "cannot export to Promela: \(message)"))
    }

    func device(named name: String) -> Int? { devices.firstIndex { $0.name == name } }
    func device(node path: String) -> Int? { devices.firstIndex { $0.node == DevPath.nodeName(path) } }

    // MARK: What is refused

    mutating func check() {
        let b = scenario.board
        if b.gpioChips.count > 1 { refuse("more than one gpio chip (chip numbering on rebind is not modelled)", at: b.gpioChips[1].location) }
        let others: [SourceLocation?] = b.usbDevices.map(\.location) + b.i2cAdapters.map(\.location)
            + b.spiControllers.map(\.location) + b.watchdogs.map(\.location) + b.drivers.map(\.location)
            + b.devices.map(\.location) + b.links.map(\.location) + b.serialPorts.map(\.location)
            + b.mmcHosts.map(\.location)
        if let first = others.first { refuse("the board may only have gpio_chips and misc_devices", at: first) }
        if let described = scenario.firstDescribedDriver {
            refuse("described drivers (objects, fops, drivers) are not in the Promela subset; use devmodel explore", at: described)
        }
        if !scenario.expect.events.isEmpty || !scenario.expect.released.isEmpty {
            refuse("expect.events and expect.released are not modelled", at: nil)
        }
        if let n = scenario.expect.findings, n != 0 { refuse("expect.findings other than 0", at: nil) }
        // The handle each actor opens, so a handle used by two actors is refused.
        var owner: [String: Int] = [:]
        var binder: [Int: Int] = [:]
        var bound = Array(repeating: true, count: devices.count)
        for (a, actor) in scenario.actors.enumerated() {
            for (i, step) in actor.steps.enumerated() {
                let key = StepKey(actor: a, step: i)
                let at = step.location ?? actor.location
                if step.after != nil { refuse("`after:` (a step waiting for a label)", at: at) }
                let e = step.expect
                if e.returns != nil || e.revents != nil || e.blocks != nil || e.within != nil {
                    refuse("expectations other than errno", at: at)
                }
                if let errno = e.errno, PromelaModel.code(errno) == nil { refuse("expected errno \(errno)", at: at) }
                if let h = step.definedHandle ?? step.action.fileHandle {
                    if let o = owner[h], o != a { refuse("handle '\(h)' is used by two actors", at: at) }
                    owner[h] = a
                    if !handles.contains(h) { handles.append(h) }
                }
                switch step.action {
                case .open(let path, _):
                    if device(node: path) == nil { refuse("\(path) is not a node of the board", at: at) }
                    slotOfOpen[key] = slotOfOpen.count + 1
                case .close, .read:
                    break
                case .poll(_, let timeout):
                    if timeout != 0 { refuse("poll with a timeout (only `timeout: 0ms`)", at: at) }
                case .write(let h, _):
                    if kind(of: h) != .miscPipe { refuse("write is modelled on misc pipes only", at: at) }
                case .ioctl(_, let request):
                    switch request {
                    case .chipInfo, .lineInfo, .fionread: break
                    default: refuse("ioctl \(request.name)", at: at)
                    }
                case .unbind(let d), .bind(let d, _):
                    guard let dev = device(named: d) else { refuse("\(d) is not a gpio chip or misc device of the board", at: at); break }
                    if case .bind(_, let driver) = step.action, driver != devices[dev].driver {
                        refuse("\(d) can only be bound to \(devices[dev].driver)", at: at)
                    }
                    if let o = binder[dev], o != a { refuse("\(d) is bound and unbound by two actors", at: at) }
                    binder[dev] = a
                    let isBind: Bool = if case .bind = step.action { true } else { false }
                    if isBind == bound[dev] { refuse("\(d) is already \(isBind ? "bound" : "unbound") here", at: at) }
                    bound[dev] = isBind
                    if isBind {
                        instances += 1
                        instanceOfBind[key] = instances
                    } else {
                        instanceOfUnbind[key] = current(dev, before: key)
                    }
                default:
                    refuse("step `\(step.action.keyword)`", at: at)
                }
            }
        }
    }

    /// The instance of `dev` that an unbind at `key` tears down: the last bound before it in
    /// the same actor, else the board's own.
    func current(_ dev: Int, before key: StepKey) -> Int {
        let earlier = instanceOfBind.filter { $0.key.actor == key.actor && $0.key.step < key.step }
        let mine = earlier.filter {
            if case .bind(let d, _) = scenario.actors[$0.key.actor].steps[$0.key.step].action { return device(named: d) == dev }
            return false
        }
        return mine.max { $0.key.step < $1.key.step }?.value ?? dev + 1
    }

    /// The `open` that defines the handle: the board device it names and its flag.
    func opening(_ handle: String) -> (device: Int, nonblocking: Bool)? {
        for actor in scenario.actors {
            for step in actor.steps where step.definedHandle == handle {
                if case .open(let path, let nonblocking) = step.action, let d = device(node: path) { return (d, nonblocking) }
            }
        }
        return nil
    }

    /// The kind of device the handle's `open` names.
    func kind(of handle: String) -> Kind? { opening(handle).map { devices[$0.device].kind } }
}
