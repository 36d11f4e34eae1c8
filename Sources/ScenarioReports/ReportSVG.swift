import ScenarioExecution
import ScenarioModel
import DriverCore
import Foundation

/// SVG renderings readable in any browser, with no other tool: a lane timeline of a run and
/// the device tree. Pure string building; cost linear in steps, events and devices.
public enum ReportSVG {
    /// One lane per actor; a bar per step from its start to its end, green when it returned
    /// 0, amber for an errno, red when it never finished, hatched when it blocked; markers
    /// for unbind/revoke/ENODEV/release on the lane of the thread that raised them; a time axis.
    public static func timeline(_ run: RunResult) -> String {
        header + timelineElement(run, patternID: "blocked")
    }

    /// Several runs as one SVG document: the runs' timelines stacked top to bottom, each a
    /// nested `<svg>` at its offset (one document, so XML tools and browsers accept it; two
    /// documents back to back are not XML). One run gives exactly ``timeline(_:)``.
    public static func timelines(_ runs: [RunResult]) -> String {
        guard runs.count != 1 else { return timeline(runs[0]) }
        let width = timelineWidth
        let height = runs.reduce(0) { $0 + timelineHeight($1) }
        var svg = header + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" "
            + "viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" font-family=\"monospace\">\n"
        var y = 0.0
        for (i, run) in runs.enumerated() {
            // Pattern ids must be unique in the document.
            svg += timelineElement(run, patternID: "blocked-\(i)", y: y)
            y += timelineHeight(run)
        }
        return svg + "</svg>\n"
    }

    static let timelineWidth = 150.0 + 900.0 + 30

    static func timelineHeight(_ run: RunResult) -> Double { 40 + 34 * Double(orderedActors(run).count) + 50 }

    /// One run's timeline as an `<svg>` element (no XML declaration), placed at `y`.
    static func timelineElement(_ run: RunResult, patternID: String, y offset: Double? = nil) -> String {
        let actors = orderedActors(run)
        let lane = 34.0, left = 150.0, width = 900.0, top = 40.0
        let total = max(run.durationNanoseconds, run.steps.compactMap(\.endNanoseconds).max() ?? 1, 1)
        func x(_ ns: UInt64) -> Double { left + width * Double(ns) / Double(total) }
        let height = timelineHeight(run)
        var svg = element(width: timelineWidth, height: height, y: offset)
        svg += """
        <defs><pattern id="\(patternID)" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
        <rect width="3" height="6" fill="#ffffff" fill-opacity="0.45"/></pattern></defs>
        <text x="10" y="22" class="title">\(escape(run.scenario)) — \(run.passed) passed, \(run.failed) failed</text>

        """
        for (i, actor) in actors.enumerated() {
            let y = top + lane * Double(i)
            svg += "<text x=\"10\" y=\"\(fmt(y + 20))\" class=\"lane\">\(escape(actor))</text>\n"
            svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y + lane - 2))\" x2=\"\(fmt(left + width))\" y2=\"\(fmt(y + lane - 2))\" class=\"grid\"/>\n"
            for step in run.steps where step.actor == actor {
                let end = step.endNanoseconds ?? total
                let color = !step.finished ? "#d9534f" : (step.errno == nil ? "#5cb85c" : "#f0ad4e")
                let w = max(2, x(end) - x(step.startNanoseconds))
                let title = "\(step.label ?? step.action): \(step.errno ?? "OK")\(step.blocked ? " (blocked)" : "")"
                svg += "<rect x=\"\(fmt(x(step.startNanoseconds)))\" y=\"\(fmt(y + 6))\" width=\"\(fmt(w))\" height=\"20\" fill=\"\(color)\"><title>\(escape(title))</title></rect>\n"
                if step.blocked {
                    svg += "<rect x=\"\(fmt(x(step.startNanoseconds)))\" y=\"\(fmt(y + 6))\" width=\"\(fmt(w))\" height=\"20\" fill=\"url(#\(patternID))\"/>\n"
                }
                if w > 40 {
                    svg += "<text x=\"\(fmt(x(step.startNanoseconds) + 3))\" y=\"\(fmt(y + 20))\" class=\"step\">\(escape(String(title.prefix(Int(w / 6)))))</text>\n"
                }
            }
        }
        let marked: [String: String] = ["driver.unbind": "#337ab7", "revocable.revoke": "#8e44ad",
                                        "file.enodev": "#e67e22", "device.release": "#333333"]
        for e in run.events {
            guard let color = marked[e.kind], let i = actors.firstIndex(of: e.actor ?? "kernel") else { continue }
            let y = top + lane * Double(i)
            svg += "<circle cx=\"\(fmt(x(e.timeNanoseconds)))\" cy=\"\(fmt(y + 30))\" r=\"3.5\" fill=\"\(color)\"><title>\(escape("\(e.kind) \(e.object) \(e.detail)"))</title></circle>\n"
        }
        let axisY = top + lane * Double(actors.count) + 12
        svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(axisY))\" x2=\"\(fmt(left + width))\" y2=\"\(fmt(axisY))\" class=\"axis\"/>\n"
        for tick in 0...4 {
            let ns = total / 4 * UInt64(tick)
            svg += "<text x=\"\(fmt(x(ns)))\" y=\"\(fmt(axisY + 16))\" class=\"tick\">\(fmt(Double(ns) / 1e6)) ms</text>\n"
        }
        svg += "<text x=\"\(fmt(left))\" y=\"\(fmt(axisY + 32))\" class=\"legend\">bars: steps (green ok, amber errno, red unfinished, hatched blocked); dots: unbind (blue), revoke (purple), ENODEV (orange), release (black)</text>\n"
        return svg + "</svg>\n"
    }

    /// The device tree as nested boxes: one row per device, indented under its parent, with
    /// bus, state, driver and reference count; device links listed below.
    public static func tree(_ kernel: Kernel, name: String = "devices") -> String {
        var rows: [(depth: Int, text: String, state: DeviceState)] = []
        func visit(_ d: Device, _ depth: Int) {
            rows.append((depth, "\(d.name)  (\(d.bus?.name ?? "class"))  \(d.state)  \(d.driverName ?? "-")  ref=\(d.referenceCount)", d.state))
            for c in d.children { visit(c, depth + 1) }
        }
        for d in kernel.devices where d.parent == nil { visit(d, 0) }
        let links = kernel.links.map { "\($0.supplier.name) ⇢ \($0.consumer.name) [\($0.state.rawValue)]" }
        let rowHeight = 26.0
        let height = 50 + rowHeight * Double(rows.count + links.count) + 20
        var svg = header + element(width: 760, height: height)
        svg += "<text x=\"10\" y=\"24\" class=\"title\">\(escape(name))</text>\n"
        for (i, row) in rows.enumerated() {
            let y = 40 + rowHeight * Double(i)
            let x = 10 + 24 * Double(row.depth)
            let fill = switch row.state {
            case .bound: "#dff0d8"
            case .deleted, .released: "#f2dede"
            default: "#f5f5f5"
            }
            svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(720 - x))\" height=\"22\" rx=\"4\" fill=\"\(fill)\" class=\"box\"/>\n"
            svg += "<text x=\"\(fmt(x + 6))\" y=\"\(fmt(y + 15))\" class=\"step\">\(escape(row.text))</text>\n"
        }
        for (i, link) in links.enumerated() {
            let y = 40 + rowHeight * Double(rows.count + i) + 15
            svg += "<text x=\"14\" y=\"\(fmt(y))\" class=\"link\">\(escape(link))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func orderedActors(_ run: RunResult) -> [String] {
        var seen: [String] = []
        for step in run.steps where !seen.contains(step.actor) { seen.append(step.actor) }
        if run.events.contains(where: { $0.actor == nil }) { seen.append("kernel") }
        return seen
    }

    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    static func element(width: Double, height: Double, y: Double? = nil) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg"\(y.map { " y=\"\(fmt($0))\"" } ?? "") width="\(fmt(width))" height="\(fmt(height))" viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="monospace">
        <style>.title{font-size:14px;font-weight:bold}.lane{font-size:13px}.step{font-size:11px}.tick,.legend{font-size:10px;fill:#555}.grid{stroke:#ddd}.axis{stroke:#888}.box{stroke:#bbb}.link{font-size:11px;fill:#555}</style>
        <rect width="100%" height="100%" fill="white"/>

        """
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
