import ScenarioModel

/// A scenario turned into the line format the in-kernel executor (Scripts/kernel/executor.c)
/// reads: the same parsed `Scenario` the model runs, so both sides execute the same steps.
///
/// Format, one record per line, fields separated by tabs (no field holds a tab or newline):
/// `scenario NAME`, `timeout NS`, `gpio_chip NAME LINES NAMES HOGS`, `watchdog NAME TIMEOUT
/// NOWAYOUT`, `unsupported KIND` (a board part Linux has no user-space-made stand-in for here),
/// `step ACTOR INDEX LABEL AFTER HANDLE ACTION ARGS…` (`-` for an absent field).
///
/// Guarantee: deterministic (actors and steps in file order); every step appears, including
/// those the executor cannot perform (it reports them as skipped). Cost: linear in the
/// scenario. Thread-safe: a pure function.
public enum KernelPlan {
    /// The plan text, newline-terminated.
    public static func render(_ scenario: Scenario) -> String {
        var lines: [[String]] = [["scenario", field(scenario.name)], ["timeout", "\(scenario.timeoutNanoseconds)"]]
        let board = scenario.board
        for chip in board.gpioChips {
            let names = chip.lineNames.isEmpty ? "-" : chip.lineNames.map { $0.isEmpty ? "_" : field($0) }.joined(separator: ",")
            let hogs = chip.hogs.isEmpty ? "-" : chip.hogs.map { "\($0.offset):\(field($0.name))" }.joined(separator: ",")
            lines.append(["gpio_chip", field(chip.name), "\(chip.numLines)", names, hogs])
        }
        for w in board.watchdogs { lines.append(["watchdog", field(w.name), "\(w.timeout)", w.nowayout ? "1" : "0"]) }
        for (kind, present) in [("usb_devices", !board.usbDevices.isEmpty), ("i2c_adapters", !board.i2cAdapters.isEmpty),
                                ("spi_controllers", !board.spiControllers.isEmpty), ("misc_devices", !board.miscDevices.isEmpty),
                                ("serial_ports", !board.serialPorts.isEmpty), ("mmc_hosts", !board.mmcHosts.isEmpty),
                                ("netdevs", !board.netDevices.isEmpty), ("usb_gadgets", !board.usbGadgets.isEmpty),
                                ("drm_devices", !board.drmDevices.isEmpty), ("video_devices", !board.videoDevices.isEmpty),
                                ("drivers", !board.drivers.isEmpty), ("devices", !board.devices.isEmpty),
                                ("links", !board.links.isEmpty),
                                ("described_drivers", scenario.firstDescribedDriver != nil)] where present {
            lines.append(["unsupported", kind])
        }
        for actor in scenario.actors {
            for (index, step) in actor.steps.enumerated() {
                lines.append(["step", field(actor.name), "\(index)", step.label.map(field) ?? "-", step.after.map(field) ?? "-",
                              handle(step).map(field) ?? "-", step.action.keyword] + arguments(step.action, in: scenario))
            }
        }
        return lines.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n"
    }

    /// The handle a step defines, as the model's executor names it.
    static func handle(_ step: StepSpec) -> String? {
        if case .requestLines(let file, _, _, _, _) = step.action { return step.handle ?? "\(file).lines" }
        if step.action.definesConsumer { return step.handle }
        return step.definedHandle
    }

    static func arguments(_ action: StepAction, in scenario: Scenario) -> [String] {
        switch action {
        case .open(let path, let nb): [field(path), nb ? "1" : "0"]
        case .requestLines(let f, let offsets, let consumer, let output, let edges):
            [field(f), offsets.map(String.init).joined(separator: ","), field(consumer), output ? "1" : "0", edges ? "1" : "0"]
        case .read(let f): [field(f)]
        case .poll(let f, let timeout): [field(f), timeout.map { "\($0)" } ?? "-1"]
        case .ioctl(let f, let request): [field(f)] + ioctlArguments(request, file: f, in: scenario)
        case .write(let f, let data): [field(f), data.utf8.map { hex($0) }.joined()]
        case .close(let f): [field(f)]
        case .sleep(let ns): ["\(ns)"]
        case .bind(let d, let driver): [field(d), field(driver)]
        case .unbind(let d): [field(d)]
        case .driverOverride(let d, let driver): [field(d), driver.map(field) ?? "-"]
        case .edge(let chip, let offset, let rising): [field(chip), "\(offset)", rising ? "rising" : "falling"]
        case .wait(let actor, let label): [field(actor), field(label)]
        case .unplug(let port), .replug(let port): [field(port)]
        case .deleteModule(let name): [field(name)]
        case .gpiodGet, .gpiodSetValue, .gpiodGetValue, .gpiodPut, .i2cNewClient, .i2cRead, .i2cClientPut, .irq, .sysfsRead, .sysfsWrite,
             .socket: []
        }
    }

    static func ioctlArguments(_ request: IoctlSpec, file: String, in scenario: Scenario) -> [String] {
        switch request {
        case .lineInfo(let offset): [request.keyword, "\(offset)"]
        // GPIO_V2_LINE_GET_VALUES_IOCTL takes a mask: the executor asks for every line the
        // request holds, which it learns from the request_lines step that made the handle.
        case .getValues: [request.keyword, "\(linesHeld(by: file, in: scenario))"]
        case .setValues(let values): [request.keyword, values.map { $0 ? "1" : "0" }.joined(separator: ",")]
        case .i2cSlave(let address): [request.keyword, "\(address)"]
        case .spiWriteMode(let mode): [request.keyword, "\(mode)"]
        case .spiWriteMaxSpeed(let hz): [request.keyword, "\(hz)"]
        case .spiMessage(let tx): [request.keyword, tx.map { hex($0) }.joined()]
        case .wdiocSetTimeout(let seconds): [request.keyword, "\(seconds)"]
        default: [request.keyword]
        }
    }

    /// The number of lines of the request step whose handle is `file` (1 when none is found).
    static func linesHeld(by file: String, in scenario: Scenario) -> Int {
        for actor in scenario.actors {
            for step in actor.steps {
                if case .requestLines(_, let offsets, _, _, _) = step.action, handle(step) == file { return offsets.count }
            }
        }
        return 1
    }

    /// A field with tabs and newlines made spaces: the format's only separators.
    static func field(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
    }
}
