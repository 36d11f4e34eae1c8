import ArgumentParser
import DriverCore
import Foundation
import Instrumentation
import SimHardware
import CharDev
import Subsystems

/// `devmodel demo`: the built-in board, end to end.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the built-in simulated board and show both lifetimes at work.",
        discussion: """
        Registers a platform bus and a USB-like bus with their drivers and devices, shows the \
        bound device tree, a deferred probe resolving, and a USB device unplugged while a \
        reference to one of its interfaces is still held: the devres release order at unbind, \
        and the moment the object is finally released.
        """)

    enum Story: String, ExpressibleByArgument, CaseIterable {
        case all
        case gpioUnbind = "gpio-unbind"
        case i2cDelAdapter = "i2c-del-adapter"
        case hotplug, deferred
        case devresOrder = "devres-order"
    }

    @Argument(help: "One story: all, gpio-unbind, i2c-del-adapter, hotplug, deferred, devres-order.")
    var story: Story = .all

    @Flag(name: .long, help: "Print one JSON document instead of text. Same as --format json.")
    var json = false

    @Option(name: .long, help: "Output format: text or json (as for the other commands).")
    var format: TextOrJSON = .text

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let report = try DemoStory.run(story)
        if json || format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(DemoText.render(report))
        }
    }
}

/// What the demo found, for both renderings.
struct DemoReport: Codable {
    struct Node: Codable {
        let name: String
        let bus: String?
        let state: String
        let driver: String?
        let devres: [String]
        let references: Int
        let children: [Node]
    }
    struct Event: Codable {
        let sequence: UInt64
        let kind: String
        let object: String
        let detail: String
        let site: String
    }
    var schema = "devmodel/demo@1"
    var tree: [Node] = []
    var deferred: [Event] = []
    var unplug: [Event] = []
    var finalRelease: [Event] = []
    var gpioStory: [Event] = []
    var gpioReaderResult = ""
    var gpioUnbindMicroseconds: UInt64 = 0
    var i2cStory: [Event] = []
    var i2cUnbindMicroseconds: UInt64 = 0
    var i2cResult = ""
    var devresAdded: [String] = []
    var devresReleased: [String] = []
    var warnings: [String] = []
}

enum DemoStory {
    static func run(_ story: Demo.Story) throws -> DemoReport {
        let board = try SimBoard()
        let recorder = EventRecorder()
        board.kernel.events.attach(recorder)
        var report = DemoReport()
        let all = story == .all

        try board.populate()
        if all { report.tree = tree(board.kernel) }
        if all || story == .deferred {
            report.deferred = recorder.events.filter { [.probeDeferred, .bind].contains($0.kind) && $0.objectName == "i2c-sim.0" }
                .map(event)
        }
        if all || story == .devresOrder { try devresOrderStory(board, recorder, &report) }
        if all || story == .hotplug { try hotplugStory(board, recorder, &report) }
        if all || story == .gpioUnbind { try gpioStory(board, recorder, &report) }
        if all || story == .i2cDelAdapter { try i2cStory(board, recorder, &report) }
        report.warnings = board.kernel.warnings.map(\.description)
        return report
    }

    /// devres order: what spi-sim.0's probe registered, and the order its unbind released it.
    static func devresOrderStory(_ board: SimBoard, _ recorder: EventRecorder, _ report: inout DemoReport) throws {
        guard let spi = board.kernel.device(named: "spi-sim.0") else { throw ValidationError("no spi-sim.0") }
        report.devresAdded = recorder.events(.devresAdd).filter { $0.object == spi.id }.map(\.detail)
        let mark = recorder.events.last?.sequence ?? 0
        try board.kernel.unbind(spi)
        report.devresReleased = recorder.events(.devresRelease).filter { $0.sequence > mark && $0.object == spi.id }.map(\.detail)
    }

    /// Hot-unplug: a USB device goes while one of its interfaces is held (an open file).
    static func hotplugStory(_ board: SimBoard, _ recorder: EventRecorder, _ report: inout DemoReport) throws {
        guard let usbDevice = board.kernel.device(named: "usb1-1"),
              let iface = board.kernel.device(named: "1-1:1.1") else {
            throw ValidationError("the board did not enumerate usb1-1")
        }
        try iface.get()
        let mark = recorder.events.last?.sequence ?? 0
        try board.usb.unplug(usbDevice)
        let interesting: Set<EventKind> = [.removeStart, .devresRelease, .unbind, .deviceDel, .deviceRelease, .memoryFree]
        report.unplug = recorder.events.filter { $0.sequence > mark && interesting.contains($0.kind) }.map(event)
        let afterUnplug = recorder.events.last?.sequence ?? 0
        try iface.put()  // the file is closed
        report.finalRelease = recorder.events.filter { $0.sequence > afterUnplug && interesting.contains($0.kind) }.map(event)
    }

    /// i2c-del-adapter (class P5, drivers/i2c/i2c-core-base.c): /dev/i2c-0 is held open while its controller is unbound.
    /// The kernel's i2c_del_adapter() would wait for the close; ours returns at once.
    static func i2cStory(_ board: SimBoard, _ recorder: EventRecorder, _ report: inout DemoReport) throws {
        guard let controller = board.kernel.device(named: "i2c-sim.0") else { throw ValidationError("no i2c-sim.0") }
        let mark = recorder.events.last?.sequence ?? 0
        let file = try board.dev.open("/dev/i2c-0")
        try file.ioctl(I2CSetSlave(0x50))
        let start = monotonicNanoseconds()
        try board.kernel.unbind(controller)
        report.i2cUnbindMicroseconds = (monotonicNanoseconds() - start) / 1_000
        do {
            _ = try file.read(maxBytes: 1)
            report.i2cResult = "read after unbind succeeded"
        } catch {
            report.i2cResult = "read after unbind returned \(error.errno.name)"
        }
        try file.close()
        let interesting: Set<EventKind> = [.fileOpen, .removeStart, .revocableRevoke, .nodeUnpublish, .cdevUnregister,
                                           .unbind, .fileNoDevice, .fileClose, .deviceRelease]
        report.i2cStory = recorder.events.filter { $0.sequence > mark && interesting.contains($0.kind) }.map(event)
    }

    /// The canonical story (issue 5): a program waits for edge events on a GPIO line, the
    /// controller is unbound, the wait returns ENODEV at once, the unbind did not wait for the
    /// program, the program closes, the object is released.
    static func gpioStory(_ board: SimBoard, _ recorder: EventRecorder, _ report: inout DemoReport) throws {
        guard let controller = board.kernel.device(named: "gpio-sim.0") else { throw ValidationError("no gpio-sim.0") }
        let mark = recorder.events.last?.sequence ?? 0
        let chip = try board.dev.open("/dev/gpiochip0")
        let request = try chip.ioctl(GpioGetLineRequest(offsets: [3], consumer: "gpiomon", edgeDetection: true))
        let outcome = Locked<String?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let program = Thread {
            do throws(FileError) {
                let events = try request.readEdgeEvents()
                outcome.withLock { $0 = "read returned \(events.count) event(s)" }
            } catch {
                outcome.withLock { $0 = "read returned \(error.errno.name)" }
            }
            finished.signal()
        }
        program.start()
        // Unbind once the program sleeps in read: the model's own state, not a timer.
        while chip.characterDevice.sleepers == 0 { sched_yield() }
        let start = monotonicNanoseconds()
        try board.kernel.unbind(controller)
        report.gpioUnbindMicroseconds = (monotonicNanoseconds() - start) / 1_000
        finished.wait()
        report.gpioReaderResult = outcome.withLock { $0 } ?? ""
        try request.close()
        try chip.close()
        let interesting: Set<EventKind> = [.fileOpen, .removeStart, .revocableRevoke, .nodeUnpublish, .cdevUnregister,
                                           .devresRelease, .unbind, .fileNoDevice, .fileClose, .deviceRelease]
        report.gpioStory = recorder.events.filter { $0.sequence > mark && interesting.contains($0.kind) }.map(event)
    }

    static func event(_ e: LifetimeEvent) -> DemoReport.Event {
        DemoReport.Event(sequence: e.sequence, kind: e.kind.rawValue, object: e.objectName, detail: e.detail,
                         site: e.site.description)
    }

    static func tree(_ kernel: Kernel) -> [DemoReport.Node] {
        func node(_ d: Device) -> DemoReport.Node {
            DemoReport.Node(name: d.name, bus: d.bus?.name, state: d.state.rawValue, driver: d.driverName,
                            devres: d.devres.entries.map(\.name), references: d.referenceCount,
                            children: d.children.map(node))
        }
        return kernel.devices.filter { $0.parent == nil }.map(node)
    }
}

enum DemoText {
    static func render(_ r: DemoReport) -> String {
        var out: [String] = []
        if !r.tree.isEmpty { out.append("== 1. The board, bound (bus/device  state  driver  refs  devres newest last)") }
        func walk(_ n: DemoReport.Node, _ prefix: String, _ last: Bool, _ top: Bool) {
            let branch = top ? "" : (last ? "└─ " : "├─ ")
            let label = "\(prefix)\(branch)\(n.bus.map { "\($0)/" } ?? "")\(n.name)"
            let devres = n.devres.isEmpty ? "-" : n.devres.joined(separator: ", ")
            out.append(label.padding(toLength: 32, withPad: " ", startingAt: 0)
                + n.state.padding(toLength: 9, withPad: " ", startingAt: 0)
                + (n.driver ?? (n.bus == nil ? "(class device)" : "-")).padding(toLength: 18, withPad: " ", startingAt: 0)
                + "ref=\(n.references)  " + devres)
            let childPrefix = top ? prefix : prefix + (last ? "   " : "│  ")
            for (i, c) in n.children.enumerated() { walk(c, childPrefix, i == n.children.count - 1, false) }
        }
        for n in r.tree { walk(n, "", true, true) }
        if !r.deferred.isEmpty {
            out.append("")
            out.append("== 2. Deferred probe: i2c-sim.0 needs the vdd supply of regulator-fixed.0")
        }
        for e in r.deferred {
            out.append(e.kind == "probe.deferred"
                ? "  [\(e.sequence)] \(e.object): probe deferred (\(e.detail))"
                : "  [\(e.sequence)] \(e.object): bound to \(e.detail) on retry, after the regulator bound")
        }
        if !r.devresAdded.isEmpty {
            out.append("")
            out.append("== devres order: spi-sim.0 acquired in probe, released at unbind (newest first)")
            out.append("  probe:  " + r.devresAdded.joined(separator: " → "))
            out.append("  unbind: " + r.devresReleased.joined(separator: " → "))
            out.append(r.devresReleased == r.devresAdded.reversed() ? "  -> exactly the reverse" : "  -> NOT the reverse")
        }
        if !r.unplug.isEmpty {
            out.append("")
            out.append("== 3. Unplug usb1-1 while 1-1:1.1 is held open (one reference)")
            for e in r.unplug { out.append("  [\(e.sequence)] " + line(e)) }
            out.append("  -> unplug returned; 1-1:1.1 is deleted but not released: the open file still holds it")
            out.append("")
            out.append("== 4. The file is closed: the last reference goes")
            for e in r.finalRelease { out.append("  [\(e.sequence)] " + line(e)) }
        }
        if !r.gpioStory.isEmpty {
            out.append("")
            out.append("== 5. A program waits for GPIO edge events; the controller is unbound under it")
            for e in r.gpioStory { out.append("  [\(e.sequence)] " + line(e)) }
            out.append("  -> unbind took \(r.gpioUnbindMicroseconds) µs and did not wait for the program; the waiting \(r.gpioReaderResult)")
        }
        if !r.i2cStory.isEmpty {
            out.append("")
            out.append("== 6. /dev/i2c-0 is held open while its controller is unbound (class P5)")
            for e in r.i2cStory { out.append("  [\(e.sequence)] " + line(e)) }
            out.append("  -> unbind took \(r.i2cUnbindMicroseconds) µs with the file open (i2c_del_adapter() would wait for the close); \(r.i2cResult)")
        }
        if !r.warnings.isEmpty {
            out.append("")
            out.append("== Warnings")
            out.append(contentsOf: r.warnings.map { "  " + $0 })
        }
        return out.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

    static func line(_ e: DemoReport.Event) -> String {
        switch e.kind {
        case "driver.remove": "\(e.object): remove() by \(e.detail)"
        case "devres.release": "\(e.object): devres release \(e.detail)"
        case "memory.free": "\(e.object): freed"
        case "driver.unbind": "\(e.object): unbound from \(e.detail)"
        case "device.del": "\(e.object): device_del"
        case "device.release": "\(e.object): released (last reference dropped)"
        case "file.open": "open \(e.detail)"
        case "file.close": "close \(e.detail)"
        case "file.enodev": "\(e.object): \(e.detail)"
        case "revocable.revoke": "\(e.object): fence revoked (waits for calls in flight only)"
        case "node.unpublish": "\(e.detail) unpublished: no new opens"
        case "cdev.unregister": "\(e.object): unregistered; sleepers woken"
        default: "\(e.object): \(e.kind) \(e.detail)"
        }
    }
}
