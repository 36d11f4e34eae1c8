import Testing
import CharDev
import DriverCore
import Instrumentation
import Subsystems
@testable import SimHardware

/// The board's device nodes work end to end, every platform driver's probe survives a fault at
/// each of its injectable points, and every driver passes test-driver-remove mode.
@Suite struct BoardNodesTests {
    @Test func i2cEepromAndSpiLoopbackThroughTheirNodes() throws {
        let board = try SimBoard()
        try board.populate()
        #expect(board.dev.paths == ["/dev/gpiochip0", "/dev/i2c-0", "/dev/spidev0.0", "/dev/spidev0.1"])
        let i2c = try board.dev.open("/dev/i2c-0")
        try i2c.ioctl(I2CSetSlave(0x50))
        #expect(try i2c.write([0x04, 0xAB, 0xCD]) == 3)
        _ = try i2c.write([0x04])
        #expect(try i2c.read(maxBytes: 2) == [0xAB, 0xCD])
        try i2c.close()
        let spi = try board.dev.open("/dev/spidev0.1")
        #expect(try spi.ioctl(SpiIocMessage([SPITransfer(tx: [1, 2, 3])])) == [[1, 2, 3]])
        try spi.close()
    }

    static let drivers = ["regulator-fixed.0", "gpio-sim.0", "i2c-sim.0", "spi-sim.0"]

    @Test("probe fault sweep: nothing leaks, device left unbound and re-bindable", arguments: drivers)
    func faultSweep(_ deviceName: String) throws {
        var failAt = 1
        var points: [String] = []
        while failAt < 64 {
            let board = try SimBoard()
            try board.populate()
            let dev = try #require(board.kernel.device(named: deviceName))
            let driver = try #require(dev.driverName)
            // Consumers of the regulator must go first, or its unbind would unbind them anyway.
            if deviceName == "regulator-fixed.0", let i2c = board.kernel.device(named: "i2c-sim.0") { try board.kernel.unbind(i2c) }
            try board.kernel.unbind(dev)
            let recorder = EventRecorder(keeping: [.memoryAlloc, .memoryFree, .memoryUseAfterFree, .memoryDoubleFree])
            board.kernel.events.attach(recorder)
            board.kernel.faults.arm(failAt: failAt)
            _ = try? board.kernel.bind(dev, to: driver)
            guard let injected = board.kernel.faults.disarm().injected else {
                #expect(dev.state == .bound)
                break
            }
            points.append(injected.name)
            #expect(dev.state == .unbound, "after \(injected)")
            #expect(dev.devres.isEmpty, "leak after \(injected)")
            #expect(dev.children.isEmpty, "a node survived the failed probe: \(injected)")
            #expect(recorder.events(.memoryAlloc).count == recorder.events(.memoryFree).count, "after \(injected)")
            #expect(recorder.events(.memoryUseAfterFree, .memoryDoubleFree).isEmpty, "after \(injected)")
            try board.kernel.bind(dev, to: driver)
            #expect(dev.state == .bound)
            failAt += 1
        }
        #expect(points.count >= 2, "too few injectable points in \(deviceName): \(points)")
    }

    @Test("test-driver-remove mode: probe, full remove, probe again, for every driver")
    func testDriverRemoveMode() throws {
        let kernel = Kernel()
        kernel.testDriverRemove = true
        let board = try SimBoard(kernel: kernel)
        try board.populate()
        let states = kernel.devices.filter { $0.bus != nil }.map { "\($0.name)=\($0.state)" }
        #expect(kernel.devices.filter { $0.bus != nil }.allSatisfy { $0.state == .bound }, "\(states) \(kernel.warnings)")
        #expect(board.dev.paths.count == 4)
        let f = try board.dev.open("/dev/gpiochip0")
        #expect(try f.ioctl(GpioGetChipInfo()).lines == 8)
        try f.close()
    }
}
