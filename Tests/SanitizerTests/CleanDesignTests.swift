import CharDev
import DriverCore
import Instrumentation
import Sanitizer
import SanitizerTesting
import Subsystems
import Testing

@Suite("the real designs give zero findings")
struct CleanDesignTests {
    @Test("bind, driver data, devres memory and actions, unbind, rebind, unregister")
    func bindUnbind() throws {
        let f = try SanitizerFixture()
        try f.kernel.registerDriver(ClosureDriver(name: "drv", idTable: ["test,dev"], probe: { (d: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                let state = try d.devres.alloc([0, 0], name: "devm_kzalloc(state)")
                try d.setDriverData(state)
                try d.devres.addAction(ActionKey("disable_clock")) {}
            }
        }, remove: { d in
            _ = try? d.driverData(as: ModelMemory<[Int]>.self)?.get()
        }), on: f.bus)
        let dev = f.device("clean.0")
        try f.kernel.register(dev)
        #expect(f.sanitizer.state(of: dev.id) == .bound)
        try f.kernel.unbind(dev)
        #expect(f.sanitizer.state(of: dev.id) == .unbound)
        try f.kernel.bind(dev, to: "drv")
        try f.kernel.unregister(dev)
        #expect(f.sanitizer.state(of: dev.id) == .released)
        f.sanitizer.expectNoFindings()
        #expect(f.sanitizer.finish().isEmpty)
    }

    @Test("GPIO: open, unbind, ENODEV, close, unregister")
    func gpioOpenUnbindClose() throws {
        let f = try GpioSanitizerFixture()
        let file = try f.dev.open("/dev/gpiochip0")
        #expect(try file.ioctl(GpioGetChipInfo()).lines == 4)
        let request = try file.ioctl(GpioGetLineRequest(offsets: [1], consumer: "test", output: true, edgeDetection: false))
        try request.ioctl(GpioLineSetValues([true]))
        try f.kernel.unbind(f.controller)
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(GpioGetChipInfo()) }
        #expect(throws: FileError(.ENODEV, "")) { try request.ioctl(GpioLineGetValues()) }
        try request.close()
        try file.close()
        try f.kernel.unregister(f.controller)
        f.sanitizer.expectNoFindings()
        #expect(f.sanitizer.finish().isEmpty)
    }
}
