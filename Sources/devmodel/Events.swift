import ArgumentParser
import Foundation
import ScenarioExecution
import ScenarioModel

/// `devmodel events SCENARIO`: the run's event stream, shaped like `udevadm monitor`.
struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario and print its event stream, like 'udevadm monitor'.",
        discussion: """
        Device events print as udevadm does: KERNEL[<seconds>] <action> <devpath> (<subsystem>). \
        Model events (probe, devres release, revoke, release, ENODEV, …) follow in the same \
        order with a MODEL prefix, the acting actor and the call site. --json prints JSON Lines, \
        one event per line, times in integer nanoseconds.
        """)

    @Argument(help: "A scenario file.")
    var scenario: String

    @Flag(name: .long, help: "JSON Lines: one event per line. Same as --format json.")
    var json = false

    @Option(name: .long, help: "Output format: text or json (as for the other commands).")
    var format: TextOrJSON = .text

    @Flag(name: .long, help: "Only the udevadm-style device events (add, remove, bind, unbind).")
    var kernelOnly = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (loaded, exit) = ScenarioFiles.loadAll([scenario])
        guard exit == 0, let (_, s) = loaded.first else { throw ExitCode(exit == 0 ? 66 : exit) }
        let result = ScenarioRunner.run(s)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var known: [String: UEvent.Place] = [:]
        for event in result.events {
            let uevent = UEvent(event, known: &known)
            if kernelOnly && uevent == nil { continue }
            if json || format == .json {
                guard let data = try? encoder.encode(event) else { throw ExitCode(ScenarioExit.internalError) }
                print(String(decoding: data, as: UTF8.self))
            } else if let uevent {
                print(uevent.line(at: event.timeNanoseconds))
            } else {
                let actor = event.actor.map { " [\($0)]" } ?? ""
                let detail = event.detail.isEmpty ? "" : " \(event.detail)"
                print("MODEL [\(seconds(event.timeNanoseconds))] \(event.kind) \(event.object)\(detail)\(actor)")
            }
        }
        if !result.ok { throw ExitCode(ScenarioExit.failures) }
    }
}

/// The subset of model events that the kernel would announce as uevents.
struct UEvent {
    struct Place { let devpath: String; let subsystem: String }
    let action: String
    let devpath: String
    let subsystem: String

    /// `known` remembers where each device was added, for its later bind/unbind/remove.
    init?(_ e: EventRecord, known: inout [String: Place]) {
        switch e.kind {
        case "device.add": action = "add"
        case "device.del": action = "remove"
        case "driver.bind": action = "bind"
        case "driver.unbind": action = "unbind"
        default: return nil
        }
        if e.kind == "device.add" {
            let bus = e.detail.hasPrefix("bus=") ? String(e.detail.dropFirst(4)) : nil
            let subsystem = bus ?? Self.subsystem(of: e.object)
            let devpath = bus.map { "/devices/\($0)/\(e.object)" } ?? "/devices/virtual/\(subsystem)/\(e.object)"
            known[e.object] = Place(devpath: devpath, subsystem: subsystem)
        }
        let place = known[e.object] ?? Place(devpath: "/devices/\(e.object)", subsystem: Self.subsystem(of: e.object))
        devpath = place.devpath
        subsystem = place.subsystem
    }

    /// Class devices are named after their subsystem (gpiochip0 → gpio, i2c-0 → i2c-dev, …).
    static func subsystem(of name: String) -> String {
        if name.hasPrefix("gpiochip") { return "gpio" }
        if name.hasPrefix("i2c-") { return "i2c-dev" }
        if name.hasPrefix("spidev") { return "spidev" }
        if name.hasPrefix("watchdog") { return "watchdog" }
        return "misc"
    }

    func line(at ns: UInt64) -> String {
        "KERNEL[\(seconds(ns))] \(action.padding(toLength: 8, withPad: " ", startingAt: 0)) \(devpath) (\(subsystem))"
    }
}

/// udevadm's timestamp: seconds with microseconds.
func seconds(_ ns: UInt64) -> String {
    String(format: "%llu.%06llu", ns / 1_000_000_000, (ns % 1_000_000_000) / 1_000)
}
