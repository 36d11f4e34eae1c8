/// Semantic checks on a parsed scenario: every name it uses exists, labels are unique, and
/// no set of `after:`/`wait:` dependencies can never be satisfied (a cycle).
///
/// Works on any ``Scenario`` (from a file or the result builder). Cost: linear in the steps
/// plus a depth-first search over them.
public enum ScenarioValidator {
    /// Every problem, located where possible (steps and board entries carry their location).
    public static func validate(_ s: Scenario, file: String = "<scenario>", lines: [Substring] = []) -> [ScenarioDiagnostic] {
        var out: [ScenarioDiagnostic] = []
        func error(_ loc: SourceLocation?, _ message: String) {
            let l = loc ?? SourceLocation(line: 1, column: 1)
            let text = l.line >= 1 && l.line <= lines.count ? String(lines[l.line - 1]).trimmingTrailingWhitespace() : ""
            out.append(ScenarioDiagnostic(file: file, location: l, message: message, sourceLine: text))
        }
        let kinds = s.board.deviceKinds
        let drivers = s.driverNames
        let ports = Set(s.board.usbDevices.map(\.port))

        // Board.
        var seenDevices = Set<String>()
        for (name, loc) in s.board.declaredDevices where !seenDevices.insert(name).inserted {
            error(loc, "device '\(name)' declared twice")
        }
        for problem in s.board.miscConflicts + s.board.watchdogModuleConflicts { error(problem.location, problem.message) }
        for d in s.board.devices {
            if let o = d.driverOverride, !drivers.contains(o) { error(d.location, "unknown driver '\(o)' in driver_override") }
        }
        for l in s.board.links {
            for name in [l.supplier, l.consumer] where kinds[name] == nil { error(l.location, "unknown device '\(name)' in link") }
        }
        for name in s.expect.released where kinds[name] == nil && !s.nodeNames.contains(name)
            && !s.board.interfaceNames.contains(name) {
            error(nil, "unknown device '\(name)' in expect.released")
        }

        // Described drivers.
        var describedNames = Set<String>()
        for d in s.described.drivers {
            let at = d.location.map { SourceLocation(line: $0.line, column: $0.column) }
            if s.board.driverNames.contains(d.name) { error(at, "driver '\(d.name)' is already a driver of the board (built-in or under board.drivers)") }
            if !describedNames.insert(d.name).inserted { error(at, "driver '\(d.name)' is described twice") }
        }
        for (device, at) in s.described.allocationDevices where kinds[device] == nil {
            error(at.map { SourceLocation(line: $0.line, column: $0.column) }, "devm_kzalloc on unknown device '\(device)'")
        }
        for p in s.described.problems {
            error(p.location.map { SourceLocation(line: $0.line, column: $0.column) }, p.message)
        }

        // Labels and handles.
        var labels: [String: (actor: String, index: Int)] = [:]
        let handles = Set(s.actors.flatMap { $0.steps.compactMap(\.definedHandle) })
        for actor in s.actors {
            for (i, step) in actor.steps.enumerated() {
                guard let label = step.label else { continue }
                if labels[label] != nil { error(step.location, "label '\(label)' used twice") }
                labels[label] = (actor.name, i)
            }
        }
        for c in s.expect.reachable where labels[c.label] == nil {
            error(c.location, "unknown label '\(c.label)' in reachable")
        }
        let actorNames = Set(s.actors.map(\.name))
        for actor in s.actors {
            for step in actor.steps {
                let loc = step.location
                if let a = step.after, labels[a] == nil { error(loc, "unknown label '\(a)' in after") }
                if let w = step.expect.within, labels[w.label] == nil { error(loc, "unknown label '\(w.label)' in within") }
                if let f = step.action.fileHandle, !handles.contains(f) {
                    error(loc, "unknown file '\(f)': no step opens it (use 'as:' to name a handle)")
                }
                if let d = step.action.deviceName, kinds[d] == nil { error(loc, "unknown device '\(d)'") }
                if case .socket = step.action, step.handle == nil {
                    error(loc, "socket needs 'as:' to name the file it returns")
                }
                if step.action.definesConsumer && step.handle == nil {
                    error(loc, "\(step.action.keyword) needs 'as:' to name the handle it returns")
                }
                switch step.action {
                case .gpiodGet(let chip, _, _) where !s.nodeNames.contains(chip):
                    error(loc, "unknown GPIO chip '\(chip)'; the board has: \(s.nodeNames.joined(separator: ", "))")
                case .i2cNewClient(let adapter, _, _) where !s.nodeNames.contains("i2c-\(adapter)"):
                    error(loc, "unknown I2C adapter i2c-\(adapter)")
                case .deleteModule(let name) where !s.described.drivers.contains(where: { $0.module == name })
                        && !s.board.moduleNames.contains(name):
                    error(loc, "unknown module '\(name)'; a described driver names its module with 'module:', a board's watchdogs with 'module: true'")
                case .open(let path, _):
                    let node = DevPath.nodeName(path)
                    if !s.nodeNames.contains(node) {
                        error(loc, "unknown device node '\(path)'; the board has: \(s.nodeNames.joined(separator: ", "))")
                    }
                case .bind(_, let drv), .driverOverride(_, .some(let drv)):
                    if !drivers.contains(drv) { error(loc, "unknown driver '\(drv)'") }
                case .unplug(let p), .replug(let p):
                    if !ports.contains(p) { error(loc, "unknown usb port '\(p)'") }
                case .edge(let chip, let offset, _):
                    if let spec = s.board.gpioChips.first(where: { $0.name == chip }) {
                        if offset < 0 || offset >= spec.numLines { error(loc, "\(chip) has no line \(offset)") }
                    } else if kinds[chip] != nil {
                        error(loc, "'\(chip)' is not a gpio chip")
                    }
                case .wait(let a, let l):
                    if !actorNames.contains(a) { error(loc, "unknown actor '\(a)' in wait") }
                    else if let owner = labels[l] {
                        if owner.actor != a { error(loc, "label '\(l)' belongs to actor '\(owner.actor)', not '\(a)'") }
                        if a == actor.name { error(loc, "actor '\(a)' waits for itself") }
                        if let target = s.actors.first(where: { $0.name == a })?.steps[owner.index],
                           case .wait = target.action {
                            error(loc, "'\(l)' is a wait step: it never blocks in the kernel")
                        }
                    } else {
                        error(loc, "unknown label '\(l)' in wait")
                    }
                default: break
                }
            }
        }
        if out.isEmpty, let cycle = waitCycle(s, labels: labels) {
            error(cycle.location, "wait cycle: \(cycle.path.joined(separator: " -> "))")
        }
        return out
    }

    /// A cycle among the run's happens-before constraints, if any. Nodes are the start and
    /// the end of each step: a step starts after the previous step of its actor ended and
    /// after its `after:` label ended; a step ends after it started; a `wait` ends only once
    /// the labelled step has started.
    static func waitCycle(_ s: Scenario, labels: [String: (actor: String, index: Int)])
        -> (location: SourceLocation?, path: [String])? {
        struct Key: Hashable { let actor: Int; let step: Int; let end: Bool }
        let actorIndex = Dictionary(uniqueKeysWithValues: s.actors.enumerated().map { ($1.name, $0) })
        func name(_ k: Key) -> String {
            let step = s.actors[k.actor].steps[k.step]
            return "\(s.actors[k.actor].name)[\(step.label ?? "step \(k.step + 1)")]"
        }
        func deps(_ k: Key) -> [Key] {
            let step = s.actors[k.actor].steps[k.step]
            if k.end {
                var d = [Key(actor: k.actor, step: k.step, end: false)]
                if case .wait(let a, let l) = step.action, let t = labels[l], let ai = actorIndex[a] {
                    d.append(Key(actor: ai, step: t.index, end: false))
                }
                return d
            }
            var d: [Key] = []
            if k.step > 0 { d.append(Key(actor: k.actor, step: k.step - 1, end: true)) }
            if let a = step.after, let t = labels[a], let ai = actorIndex[t.actor] {
                d.append(Key(actor: ai, step: t.index, end: true))
            }
            return d
        }
        var state: [Key: Int] = [:]   // 1 visiting, 2 done
        var stack: [Key] = []
        func visit(_ k: Key) -> [Key]? {
            if state[k] == 2 { return nil }
            if state[k] == 1 { return Array(stack[stack.firstIndex(of: k)!...]) }
            state[k] = 1
            stack.append(k)
            for d in deps(k) { if let c = visit(d) { return c } }
            stack.removeLast()
            state[k] = 2
            return nil
        }
        for (ai, actor) in s.actors.enumerated() {
            for si in actor.steps.indices {
                if let cycle = visit(Key(actor: ai, step: si, end: true)) {
                    // Name each step once, in the order the cycle visits them.
                    var names: [String] = []
                    for k in cycle where names.last != name(k) { names.append(name(k)) }
                    if names.count > 1, names.first == names.last { names.removeLast() }
                    let first = cycle[0]
                    return (s.actors[first.actor].steps[first.step].location, names + [names[0]])
                }
            }
        }
        return nil
    }
}
