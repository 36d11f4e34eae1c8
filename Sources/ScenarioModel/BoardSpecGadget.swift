import SimHardware

/// A configfs USB gadget bound to a UDC of the board: the UDC is a platform device (`udc`)
/// bound by the built-in `sim-udc` driver, whose probe binds the gadget's functions and whose
/// unbind unbinds them. Functions: `hid` (f_hid), each `/dev/hidg<n>` numbered across the board
/// in declaration order. A file opened on a function's node gets ENODEV after the UDC's
/// unbind; a rebind makes a fresh node.
public struct USBGadgetSpec: Sendable, Equatable {
    /// The function drivers a gadget may link.
    public static let functionNames = ["hid"]

    /// The gadget's configfs name ("g1").
    public var name: String
    /// The UDC platform device's name ("udc.0").
    public var udc: String
    /// The functions of its configuration, in order.
    public var functions: [String]
    public var location: SourceLocation?

    public init(name: String, udc: String, functions: [String], location: SourceLocation? = nil) {
        self.name = name
        self.udc = udc
        self.functions = functions
        self.location = location
    }
}

extension BoardSpec {
    /// The f_hid nodes of the board's gadgets, in order: `hidg0`, ….
    var gadgetNodeNames: [String] {
        let count = usbGadgets.reduce(0) { $0 + $1.functions.count { $0 == "hid" } }
        return (0..<count).map { "hidg\($0)" }
    }
}
