@testable import ScenarioModel

/// Bad `usb_gadgets` entries: each gives a located error at the offending key or value;
/// checked by `MalformedBoardKindTests`.
enum MalformedGadgetTests {
    static let header = "schema: devmodel/scenario@1\nname: t\nboard:\n  usb_gadgets:\n"
    typealias Case = MalformedScenarioTests.Case

    static let cases: [Case] = [
        Case(name: "unknown function", text: header + "    - {name: g1, udc: udc.0, functions: [hid, mass_storage]}\nactors: {}\n",
             line: 5, column: 47, message: "unknown gadget function 'mass_storage'; expected one of: hid"),
        Case(name: "gadget without udc", text: header + "    - {name: g1, functions: [hid]}\nactors: {}\n",
             line: 5, column: 7, message: "a usb gadget needs 'udc'"),
        Case(name: "gadget without functions", text: header + "    - {name: g1, udc: udc.0, functions: []}\nactors: {}\n",
             line: 5, column: 7, message: "a usb gadget needs at least one function"),
        Case(name: "two gadgets on one UDC",
             text: header + "    - {name: g1, udc: udc.0, functions: [hid]}\n    - {name: g2, udc: udc.0, functions: [hid]}\nactors: {}\n",
             line: 6, column: 7, message: "device 'udc.0' declared twice"),
        Case(name: "a hidg node the board lacks",
             text: header + "    - {name: g1, udc: udc.0, functions: [hid]}\nactors:\n  a:\n    - open: /dev/hidg1\n",
             line: 8, column: 7, message: "unknown device node '/dev/hidg1'; the board has: hidg0"),
    ]
}
