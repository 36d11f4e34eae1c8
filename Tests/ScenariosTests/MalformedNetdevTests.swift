@testable import ScenarioModel

/// Bad `netdevs` entries, `socket` steps and socket ioctls: each gives a located error at the
/// offending key or value, and never a scenario (nor a crash); checked by
/// `MalformedBoardKindTests`.
enum MalformedNetdevTests {
    static let header = "schema: devmodel/scenario@1\nname: t\nboard:\n  netdevs:\n    - {name: eth-sim.0}\nactors:\n  a:\n"
    typealias Case = MalformedScenarioTests.Case

    static let cases: [Case] = [
        Case(name: "unknown api",
             text: "schema: devmodel/scenario@1\nname: t\nboard:\n  netdevs:\n    - {name: eth-sim.0, api: manual}\nactors: {}\n",
             line: 5, column: 30, message: "api must be one of: devm, classic, found 'manual'"),
        Case(name: "net device without name",
             text: "schema: devmodel/scenario@1\nname: t\nboard:\n  netdevs:\n    - {api: devm}\nactors: {}\n",
             line: 5, column: 7, message: "a net device needs 'name'"),
        Case(name: "socket of an unknown family", text: header + "    - socket: unix\n      as: s\n",
             line: 8, column: 15, message: "socket takes 'inet' or {packet: IFNAME}, found 'unix'"),
        Case(name: "packet socket on a path", text: header + "    - socket: {packet: eth0/x}\n      as: s\n",
             line: 8, column: 24, message: "'eth0/x' is not an interface name"),
        Case(name: "socket without as", text: header + "    - socket: inet\n",
             line: 8, column: 7, message: "socket needs 'as:' to name the file it returns"),
        Case(name: "siocsifflags without up",
             text: header + "    - socket: inet\n      as: s\n    - ioctl: {file: s, request: siocsifflags, ifname: eth0}\n",
             line: 10, column: 14, message: "ioctl siocsifflags needs 'up'"),
        Case(name: "interface name too long",
             text: header + "    - socket: inet\n      as: s\n    - ioctl: {file: s, request: siocgifflags, ifname: abcdefghijklmnop}\n",
             line: 10, column: 55, message: "'abcdefghijklmnop' is not an interface name"),
    ]
}
