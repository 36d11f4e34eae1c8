import Testing
@testable import ScenarioExecution
@testable import ScenarioModel

/// The board builder: what a board spec becomes on a fresh kernel.
@Suite struct BoardTests {
    @Test func gpioChipsUSBAndLinksAsDeclared() throws {
        let spec = BoardSpec(
            gpioChips: [GpioChipSpec(name: "gpio-sim.0", numLines: 3, lineNames: ["a"])],
            usbDevices: [USBDeviceSpec(port: "1-1", interfaces: ["serial", "gpio"])],
            drivers: [DriverSpec(name: "clk", compatible: ["acme,clk"], devres: ["clk_register"]),
                      DriverSpec(name: "panel", compatible: ["acme,panel"])],
            devices: [PlatformDeviceSpec(name: "clk.0", compatible: ["acme,clk"]),
                      PlatformDeviceSpec(name: "panel.0", compatible: ["acme,panel"])],
            links: [LinkSpec(supplier: "clk.0", consumer: "panel.0")])
        let board = try ScenarioBoard.build(spec)
        #expect(board.sim.dev.paths == ["/dev/gpiochip0", "/dev/gpiochip1"])
        #expect(spec.nodeNames == ["gpiochip0", "gpiochip1"])
        let tree = TreeText.lines(board.kernel, devres: true)
        #expect(tree.contains { $0.hasPrefix("gpio-sim.0 (platform) bound driver=gpio-sim") })
        #expect(tree.contains { $0.hasPrefix("usb1-1 (usb) bound driver=usb") })
        #expect(tree.contains { $0.hasPrefix("  1-1:1.1 (usb) added") })
        #expect(tree.contains { $0.contains("clk.0 (platform) bound driver=clk refs=") && $0.hasSuffix("devres=[clk_register]") })
        #expect(tree.last == "link clk.0 -> panel.0 [active]")
        let info = try board.sim.dev.open("gpiochip0")
        try info.close()
    }

    @Test func deferredProbeStaysListedWithoutItsSupplier() throws {
        let spec = BoardSpec(drivers: [DriverSpec(name: "sensor", compatible: ["s"], needs: ["vdd"])],
                             devices: [PlatformDeviceSpec(name: "sensor.0", compatible: ["s"])])
        let board = try ScenarioBoard.build(spec)
        #expect(board.kernel.devicesDeferredText == "sensor.0\tsupply vdd not found\n")
    }

    @Test func duplicateDeviceIsABoardError() {
        let spec = BoardSpec(devices: [PlatformDeviceSpec(name: "x.0"), PlatformDeviceSpec(name: "x.0")])
        #expect(throws: ScenarioBoard.BoardError.self) { try ScenarioBoard.build(spec) }
    }
}

@Suite struct TreeDOTTests {
    @Test func dotHasNodesEdgesAndDashedLinks() throws {
        let s = try Examples.load(Examples.directory.appendingPathComponent("device-links.yaml"))
        let board = try ScenarioBoard.build(s.board)
        let dot = TreeDOT.render(board.kernel, name: s.name)
        #expect(dot.hasPrefix("digraph \"device-links\" {\n"))
        #expect(dot.hasSuffix("}\n"))
        #expect(dot.contains("  \"clkctrl.0\" [label=\"clkctrl.0\\nplatform bound\\ndriver=clkctrl\", fillcolor=\"palegreen\"];"))
        #expect(dot.contains("  \"clkctrl.0\" -> \"display.0\" [style=dashed, label=\"active\"];"))
        // Balanced quotes on every line (a DOT syntax slip shows here first).
        for line in dot.split(separator: "\n") {
            #expect(line.replacingOccurrences(of: "\\\"", with: "").count { $0 == "\"" } % 2 == 0, "\(line)")
        }
    }

    @Test func usbSubtreeIsSolidParentEdges() throws {
        let board = try ScenarioBoard.build(BoardSpec(usbDevices: [USBDeviceSpec(port: "1-1", interfaces: ["serial"])]))
        let dot = TreeDOT.render(board.kernel)
        #expect(dot.contains("  \"usb1-1\" -> \"1-1:1.0\";"))
    }
}
