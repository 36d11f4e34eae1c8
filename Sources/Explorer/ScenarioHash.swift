import ExplorerEngine
import ScenarioModel

/// A stable hash of a scenario's canonical content, for replay strings.
///
/// Guarantee: the same scenario value gives the same hash in every process (dictionary
/// entries are sorted, source locations are left out, so reformatting a file does not change
/// it); any change to the board, actors, steps or expectations changes it (up to 64-bit FNV-1a
/// collisions). Rendered from the values' reflection, so a Swift release that renders
/// values differently also changes it (a replay is then rejected, never misapplied).
/// Cost: linear in the scenario's size.
public enum ScenarioHash {
    /// 16 lowercase hex digits.
    public static func of(_ scenario: Scenario) -> String {
        var text = ""
        canonical(scenario, into: &text)
        return of(text: text)
    }

    /// FNV-1a 64 of `text`'s UTF-8 bytes, 16 lowercase hex digits (`ContentHash`).
    public static func of(text: String) -> String { ContentHash.of(text: text) }

    static func canonical(_ value: Any, into out: inout String) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .dictionary?, .set?:
            var parts: [String] = []
            for child in mirror.children {
                var s = ""
                canonical(child.value, into: &s)
                parts.append(s)
            }
            out += "{" + parts.sorted().joined(separator: ",") + "}"
        case .optional?:
            if let some = mirror.children.first { canonical(some.value, into: &out) } else { out += "nil" }
        case nil:
            out += String(reflecting: value)
        case .enum? where mirror.children.isEmpty:
            out += "\(type(of: value)).\(value)"
        default:
            out += "\(type(of: value))("
            for child in mirror.children where child.label != "location" {
                out += (child.label ?? "") + ":"
                canonical(child.value, into: &out)
                out += ","
            }
            out += ")"
        }
    }
}
