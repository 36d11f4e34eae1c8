import Testing
import DriverCore
import Instrumentation
@testable import SimHardware

@Suite struct SimBoardTests {
    @Test func populatedBoardIsFullyBoundAfterDeferral() throws {
        let board = try SimBoard()
        let recorder = EventRecorder()
        board.kernel.events.attach(recorder)
        try board.populate()
        #expect(board.kernel.devices.filter { $0.bus != nil }.allSatisfy { $0.state == .bound })
        #expect(recorder.events(.probeDeferred).map(\.objectName) == ["i2c-sim.0"])
        #expect(board.kernel.deferredProbes.isEmpty)
    }

    @Test func unplugRemovesTheWholeSubtreeWhileReferencesKeepObjects() throws {
        let board = try SimBoard()
        try board.populate()
        let usb = try #require(board.kernel.device(named: "usb1-1"))
        let held = try #require(board.kernel.device(named: "1-1:1.1"))
        let other = try #require(board.kernel.device(named: "1-1:1.0"))
        try held.get()
        try board.usb.unplug(usb)
        #expect(board.kernel.device(named: "usb1-1") == nil)
        #expect(board.kernel.device(named: "1-1:1.0") == nil)
        #expect(other.state == .released)
        #expect(held.state == .deleted)
        #expect(usb.state == .deleted)  // pinned by its child's parent reference
        try held.put()
        #expect(held.state == .released && usb.state == .released)
    }

    @Test func unbindingTheRegulatorLeavesTheI2cControllerDeferredAgainOnRebind() throws {
        let board = try SimBoard()
        try board.populate()
        let reg = try #require(board.kernel.device(named: "regulator-fixed.0"))
        let i2c = try #require(board.kernel.device(named: "i2c-sim.0"))
        try board.kernel.unbind(reg)
        try board.kernel.unbind(i2c)
        #expect(throws: DriverCoreError.self) { try board.kernel.bind(i2c, to: "i2c-sim") }
        #expect(board.kernel.deferredProbes.map(\.device) == ["i2c-sim.0"])
        try board.kernel.bind(reg, to: "regulator-fixed")
        #expect(i2c.state == .bound)
    }

    @Test func gpioSimProbeFaultSweepLeavesNothingBehind() throws {
        var failAt = 1
        while failAt < 50 {
            let board = try SimBoard()
            try board.kernel.registerDriver(GpioSimDriver(gpiolib: board.gpio), on: board.platform)
            let dev = board.platformDevice("gpio-sim.0", compatible: ["gpio-sim"])
            let recorder = EventRecorder()
            board.kernel.events.attach(recorder)
            // The probe's points: the platform device's own device_add is not swept here.
            board.kernel.faults.arm(failAt: failAt, kinds: Set(FaultInjector.PointKind.allCases).subtracting([.busOperation]))
            try board.kernel.register(dev)
            guard let injected = board.kernel.faults.disarm().injected else { break }
            #expect(dev.state == .added && dev.devres.isEmpty, "after \(injected)")
            #expect(recorder.events(.memoryAlloc).count == recorder.events(.memoryFree).count, "after \(injected)")
            try board.kernel.bind(dev, to: "gpio-sim")
            failAt += 1
        }
        #expect(failAt > 5)
    }
}
