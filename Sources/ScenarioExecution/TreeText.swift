import ScenarioModel
import DriverCore

/// The device tree as text lines: `name (bus) state driver=X refs=N devres=[…]`, children
/// indented, then one line per device link. Reads a live kernel; cost linear in devices.
public enum TreeText {
    /// Every root device and its subtree, then the links.
    public static func lines(_ kernel: Kernel, devres: Bool = false) -> [String] {
        var out: [String] = []
        func visit(_ d: Device, depth: Int) {
            var line = String(repeating: "  ", count: depth) + "\(d.name) (\(d.bus?.name ?? "-")) \(d.state)"
            if let driver = d.driverName { line += " driver=\(driver)" }
            if devres {
                line += " refs=\(d.referenceCount)"
                let entries = d.devres.entries.map(\.name)
                if !entries.isEmpty { line += " devres=[\(entries.joined(separator: ", "))]" }
            }
            out.append(line)
            for c in d.children { visit(c, depth: depth + 1) }
        }
        for d in kernel.devices where d.parent == nil { visit(d, depth: 0) }
        out += kernel.links.map { "link \($0.supplier.name) -> \($0.consumer.name) [\($0.state.rawValue)]" }
        return out
    }
}
