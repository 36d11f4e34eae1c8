import CharDev
import Instrumentation
import Yams

/// Reads `expect:` blocks, per step and global.
enum ExpectReader {
    static let pollNames = PollEvents.named.map(\.name)

    static func readStep(_ node: Node, _ r: NodeReader) -> StepExpectation {
        var e = StepExpectation()
        guard let f = r.mapping(node, "a step's expect", allowed: ["errno", "returns", "revents", "blocks", "within"])
        else { return e }
        if let n = f["errno"], let name = r.string(n, "errno") {
            if name != "OK" && Errno(name: name) == nil { r.error(n, "unknown errno '\(name)'") } else { e.errno = name }
        }
        if let n = f["returns"] { e.returns = r.value(n) }
        if let n = f["revents"], let names = r.strings(n, "revents") {
            for name in names where !pollNames.contains(name) {
                r.error(n, "unknown poll bit '\(name)'; expected one of: \(pollNames.joined(separator: ", "))")
            }
            e.revents = names
        }
        if let n = f["blocks"] { e.blocks = r.bool(n, "blocks") }
        if let n = f["within"], let text = r.string(n, "within") {
            let parts = text.split(separator: " ").map(String.init)
            if parts.count == 3, parts[1] == "after", let ns = Durations.parse(parts[0]) {
                e.within = .init(nanoseconds: ns, after: parts[2])
            } else {
                r.error(n, "within must read 'DURATION after LABEL' (e.g. '50ms after unbind'), found '\(text)'")
            }
        }
        return e
    }

    static func readGlobal(_ node: Node, _ r: NodeReader) -> GlobalExpectations {
        var g = GlobalExpectations()
        guard let f = r.mapping(node, "expect", allowed: ["no_hang", "findings", "finding_kinds", "released", "events", "reachable"]) else { return g }
        if let n = f["no_hang"], let v = r.bool(n, "no_hang") { g.noHang = v }
        if let n = f["findings"] {
            if n.null != nil { g.findings = nil } else if let v = r.int(n, "findings") { g.findings = v }
        }
        if let n = f["finding_kinds"] {
            g.findingKinds = r.strings(n, "finding_kinds") ?? []
            for k in g.findingKinds where !FindingKinds.names.contains(k) {
                r.error(n, "unknown finding kind '\(k)'; expected one of: \(FindingKinds.names.joined(separator: ", "))")
            }
            // Naming the kinds a run must find implies the run has findings.
            if f["findings"] == nil { g.findings = nil }
        }
        if let n = f["released"] { g.released = r.strings(n, "released") ?? [] }
        if let n = f["events"] {
            g.events = (r.list(n, "events") ?? []).compactMap { item in
                r.string(item, "an event pattern").map { EventPattern(text: $0, location: r.location(item)) }
            }
        }
        if let n = f["reachable"] {
            g.reachable = (r.list(n, "reachable") ?? []).compactMap { item in
                guard let text = r.string(item, "a coverage assertion") else { return nil }
                guard let c = Reachable(text: text, location: r.location(item)) else {
                    r.error(item, "reachable must read 'LABEL → ERRNO' or 'LABEL -> OK', found '\(text)'")
                    return nil
                }
                if c.errno != "OK" && Errno(name: c.errno) == nil {
                    r.error(item, "unknown errno '\(c.errno)' in reachable")
                    return nil
                }
                return c
            }
        }
        return g
    }
}
