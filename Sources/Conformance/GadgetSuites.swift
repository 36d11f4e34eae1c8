import CharDev
import DriverCore
import Instrumentation
import SimHardware
import Subsystems

/// USB gadget function rules (drivers/usb/gadget/composite.c, configfs.c) as conformance
/// cases: the kernel has no KUnit suite for them. The gpio-cdev-uaf shape
/// (tools/testing/selftests/gpio) for a function's node held across the UDC's unbind, a fresh
/// node per bind (CVE-2026-31606's rule), and composite_bind's all-or-nothing publishing.
enum GadgetSuites {
    struct Board {
        let kernel = Kernel()
        let bus = Bus(name: "platform")
        let dev: DevNamespace
        let gadget: CompositeGadget
        let recorder = EventRecorder()
        let udc: Device

        init(extra: [any GadgetFunction] = []) throws {
            kernel.events.attach(recorder)
            try kernel.registerBus(bus)
            dev = DevNamespace(kernel: kernel)
            let gadget = CompositeGadget(name: "g1", namespace: dev)
            gadget.add(SimHidFunction(minor: 0, events: kernel.events))
            for f in extra { gadget.add(f) }
            self.gadget = gadget
            try kernel.registerDriver(SimUDCDriver { $0 == "g1" ? gadget : nil }, on: bus)
            udc = Device(kernel: kernel, name: "udc.0", bus: bus, matchIDs: ["sim-udc"], properties: ["gadget": "g1"]) { _ in }
            try kernel.register(udc)
        }

        var useAfterFree: Int { recorder.events(.memoryUseAfterFree).count }
    }

    final class Refusing: GadgetFunction {
        let name = "refusing"
        func bind(_ context: GadgetBindContext) throws(FileError) { throw FileError(.ENODEV, "no endpoint") }
        func unbind() {}
    }

    static let cases: [ConformanceCase] = [
        ConformanceCase(suite: "gadget-hidg-uaf", name: "hidg file across the UDC unbind: ENODEV, POLLHUP|POLLERR, close safe") {
            let b = try Board()
            let file = try b.dev.open("/dev/hidg0")
            _ = try file.write([1])
            try b.kernel.unbind(b.udc)
            try checkThrows("write after the UDC unbind") { _ = try file.write([1]) }
            try checkThrows("read after the UDC unbind") { _ = try file.read() }
            try check(file.poll([.in, .out]) == [.hup, .err], "poll after the UDC unbind")
            try file.close()
            try check(file.characterDevice.isReleased, "hidg0 not released at the last close")
            try check(b.useAfterFree == 0, "a file operation reached the function after its unbind")
        },
        ConformanceCase(suite: "gadget-composite", name: "each bind publishes a fresh node; old files stay dead") {
            let b = try Board()
            let old = try b.dev.open("/dev/hidg0")
            try b.kernel.unbind(b.udc)
            try b.kernel.bind(b.udc, to: SimUDCDriver.driverName)
            let new = try b.dev.open("/dev/hidg0")
            try check(new.characterDevice !== old.characterDevice, "the rebind reused the old node")
            try checkThrows("the old file reached the new bind") { _ = try old.write([1]) }
            try old.close()
            try new.close()
        },
        ConformanceCase(suite: "gadget-composite", name: "a failing function bind unbinds the others and publishes nothing") {
            let b = try Board(extra: [Refusing()])
            try check(!b.gadget.isBound && b.dev.paths.isEmpty, "a partly bound gadget published nodes")
            try check(b.useAfterFree == 0, "use after free in the unwind")
        },
    ]
}
