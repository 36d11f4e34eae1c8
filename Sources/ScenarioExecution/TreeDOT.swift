import ScenarioModel
import DriverCore

/// The device tree as Graphviz DOT: parent → child solid, supplier → consumer dashed and
/// labelled with the link state, nodes filled by state (bound green, probing/unbinding
/// yellow, added/unbound grey, deleted/released red). Deterministic: devices in creation order.
public enum TreeDOT {
    public static func render(_ kernel: Kernel, name: String = "devices") -> String {
        var out = ["digraph \"\(escape(name))\" {", "  rankdir=TB;", "  node [shape=box, style=filled, fontname=monospace];"]
        let devices = kernel.devices
        for d in devices {
            let label = "\(d.name)\\n\(d.bus?.name ?? "-") \(d.state)" + (d.driverName.map { "\\ndriver=\($0)" } ?? "")
            out.append("  \"\(escape(d.name))\" [label=\"\(escape(label, keepNewlines: true))\", fillcolor=\"\(colour(d.state))\"];")
        }
        for d in devices {
            if let p = d.parent { out.append("  \"\(escape(p.name))\" -> \"\(escape(d.name))\";") }
        }
        for l in kernel.links {
            out.append("  \"\(escape(l.supplier.name))\" -> \"\(escape(l.consumer.name))\" [style=dashed, label=\"\(l.state.rawValue)\"];")
        }
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    static func colour(_ state: DeviceState) -> String {
        switch state {
        case .bound: "palegreen"
        case .probing, .unbinding: "khaki"
        case .initialized, .added, .unbound: "lightgrey"
        case .deleted, .released: "salmon"
        }
    }

    static func escape(_ s: String, keepNewlines: Bool = false) -> String {
        var e = s.replacingOccurrences(of: "\"", with: "\\\"")
        if !keepNewlines { e = e.replacingOccurrences(of: "\\", with: "\\\\") }
        return e
    }
}
