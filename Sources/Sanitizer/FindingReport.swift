/// KASAN-shaped text for a ``Finding``.
extension Finding {
    /// The report: a `BUG:` title naming the kind and the object, the bad access with its
    /// call site, "Allocated/acquired at", "Released at", "Last get/put by thread N at",
    /// and with `history: true` the object's full reference history.
    public func render(history includeHistory: Bool = false) -> String {
        let rule = String(repeating: "=", count: 66)
        var lines = [rule, "BUG: DriverModel: \(kind.rawValue) in \(objectName) (\(object))", message, ""]
        // A detail that already names the site (a model error's text) is in the message line.
        let what = access.detail.contains(access.site.description) ? access.kind.rawValue : access.what
        lines.append("\(what) at \(access.site) by thread \(access.thread) (event \(access.sequence))")
        if !acquired.isEmpty {
            lines.append("")
            lines.append(kind == .lockOrderInversion ? "Other order acquired at:" : "Allocated/acquired at:")
            lines += acquired.map { "  \($0)" }
        }
        if !released.isEmpty {
            lines.append("")
            lines.append("Released at:")
            lines += released.map { "  \($0)" }
        }
        if let other = lastByOtherThread {
            lines.append("")
            lines.append("Last get/put by thread \(other.thread) at:")
            lines.append("  \(other)")
        }
        if includeHistory, !history.isEmpty {
            lines.append("")
            lines.append("Reference history of \(objectName):")
            lines += history.map { "  \($0)" }
        }
        lines.append(rule)
        return lines.joined(separator: "\n")
    }
}
