import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// A consumer driver holding a GPIO descriptor of another driver (class P8 of Docs/bug-classes.md), both ways:
/// without a link its handle turns ENODEV when the provider goes; with a device link the
/// consumer is unbound first and drops the handle while the chip is still there.
@Suite struct GpioConsumerTests {
    final class LedDriver: DeviceDriver {
        let name = "led"
        let idTable = ["test,led"]
        let gpio: Gpiolib
        let log: Locked<[String]>
        let handle = Locked<GpioDescriptor?>(nil)
        init(gpio: Gpiolib, log: Locked<[String]>) { self.gpio = gpio; self.log = log }

        func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
            do {
                let desc = try gpio.getDescriptor(chip: "gpiochip0", offset: 1, consumer: "led")
                try desc.setValue(true)
                handle.withLock { $0 = desc }
            } catch {
                throw .deferred("gpiochip0 not ready: \(error)")
            }
        }

        func remove(_ device: borrowing BoundDevice) {
            let desc = handle.withLock { h in defer { h = nil }; return h }
            let result = (try? desc?.setValue(false)) != nil ? "ok" : "ENODEV"
            log.withLock { $0.append("led remove: set low \(result)") }
            try? desc?.put()
        }
    }

    func setUp(link: Bool) throws -> (GpioFixture, LedDriver, Device) {
        let f = try GpioFixture()
        let log = Locked<[String]>([])
        let led = LedDriver(gpio: f.gpio, log: log)
        try f.kernel.registerDriver(led, on: f.bus)
        let dev = Device(kernel: f.kernel, name: "led.0", bus: f.bus, matchIDs: ["test,led"]) { _ in }
        if link { try f.kernel.addLink(supplier: f.controller, consumer: dev) }
        try f.kernel.register(dev)
        #expect(dev.state == .bound)
        return (f, led, dev)
    }

    @Test func withoutALinkTheConsumerHandleGetsENODEV() throws {
        let (f, led, dev) = try setUp(link: false)
        try f.kernel.unbind(f.controller)
        #expect(dev.state == .bound)  // nothing told the consumer
        let desc = try #require(led.handle.withLock { $0 })
        #expect(throws: FileError(.ENODEV, "")) { try desc.getValue() }
        try f.kernel.unbind(dev)
        #expect(led.log.withLock { $0 } == ["led remove: set low ENODEV"])
        #expect(f.recorder.events(.warning).contains { $0.detail == "REMOVING GPIOCHIP WITH GPIOS STILL REQUESTED" })
        #expect(f.useAfterFree.isEmpty)
    }

    @Test func withALinkTheConsumerIsUnboundFirst() throws {
        let (f, led, dev) = try setUp(link: true)
        try f.kernel.unbind(f.controller)
        #expect(dev.state == .unbound)
        #expect(led.log.withLock { $0 } == ["led remove: set low ok"])
        #expect(!f.recorder.events(.warning).contains { $0.detail.contains("STILL REQUESTED") })
        #expect(f.useAfterFree.isEmpty)
    }
}
