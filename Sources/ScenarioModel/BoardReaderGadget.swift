import Yams

/// Reads the `usb_gadgets` entries of `board:`: every problem is a located diagnostic.
extension BoardReader {
    static func gadget(_ node: Node, _ r: NodeReader) -> USBGadgetSpec? {
        let what = "a usb gadget"
        guard let f = r.mapping(node, what, allowed: ["name", "udc", "functions"]),
              let name = required(f, "name", in: what, r).flatMap({ r.string($0, "name") }),
              let udc = required(f, "udc", in: what, r).flatMap({ r.string($0, "udc") }),
              let list = required(f, "functions", in: what, r).flatMap({ r.list($0, "functions") })
        else { return nil }
        var functions: [String] = []
        for item in list {
            guard let function = r.string(item, "a function") else { continue }
            guard USBGadgetSpec.functionNames.contains(function) else {
                r.error(item, "unknown gadget function '\(function)'; expected one of: \(USBGadgetSpec.functionNames.joined(separator: ", "))")
                continue
            }
            functions.append(function)
        }
        if list.isEmpty { r.error(f.node, "a usb gadget needs at least one function") }
        return USBGadgetSpec(name: name, udc: udc, functions: functions, location: r.location(node))
    }
}
