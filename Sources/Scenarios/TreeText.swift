import DriverCore

/// The device tree as text lines: `name (bus) state [driver]`, children indented.
public enum TreeText {
    public static func lines(_ kernel: Kernel) -> [String] {
        var out: [String] = []
        func visit(_ d: Device, depth: Int) {
            let driver = d.driverName.map { " driver=\($0)" } ?? ""
            out.append(String(repeating: "  ", count: depth) + "\(d.name) (\(d.bus?.name ?? "-")) \(d.state)\(driver)")
            for c in d.children { visit(c, depth: depth + 1) }
        }
        for d in kernel.devices where d.parent == nil { visit(d, depth: 0) }
        return out
    }
}
