import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems
import SimHardware

/// A platform bus with one I2C controller ("sim-i2c" driver → `/dev/i2c-0`) and, optionally,
/// a consumer device whose driver holds an in-kernel client at 0x50.
final class I2cFixture: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder: EventRecorder
    let dev: DevNamespace
    let i2c: I2CCore
    let controller: Device
    let adapterCalls = Locked<Int>(0)
    /// The consumer driver's client (set in probe, put and cleared in remove).
    let consumerClient = Locked<I2CClient?>(nil)
    /// What the consumer driver's remove saw when it used its client one last time.
    let consumerRemoveResult = Locked<Errno?>(nil)

    init(keeping: Set<EventKind>? = nil) throws {
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        i2c = I2CCore(namespace: dev)
        let i2c = self.i2c
        let calls = adapterCalls
        try kernel.registerDriver(ClosureDriver(name: "sim-i2c", idTable: ["sim,i2c"]) { (d: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                let memory = try d.devres.alloc(SimEepromAdapter.Eeprom(), name: "devm_kzalloc(eeprom)")
                try i2c.addAdapter(SimEepromAdapter(memory: memory, calls: calls), provider: d)
            }
        }, on: bus)
        controller = Device(kernel: kernel, name: "i2c-ctrl.0", bus: bus, matchIDs: ["sim,i2c"]) { _ in }
        try kernel.register(controller)
    }

    /// Registers a consumer device and its driver: probe takes a client at 0x50 on i2c-0,
    /// remove writes through it once more (recording the outcome) and puts it.
    func addConsumer(linked: Bool) throws -> Device {
        let i2c = self.i2c
        let slot = consumerClient
        let removeResult = consumerRemoveResult
        try kernel.registerDriver(ClosureDriver(name: "eeprom-user", idTable: ["test,eeprom-user"], probe: { (_: borrowing BoundDevice) throws(ProbeError) in
            do {
                let client = try i2c.newClient(adapter: 0, address: SimEepromAdapter.address, name: "eeprom-user")
                slot.withLock { $0 = client }
            } catch {
                throw .deferred("i2c-0: \(error)")
            }
        }, remove: { _ in
            guard let client = slot.withLock({ c -> I2CClient? in defer { c = nil }; return c }) else { return }
            do throws(FileError) {
                try client.write([0, 0xAA])
                removeResult.withLock { $0 = Errno(rawValue: 0) }
            } catch {
                removeResult.withLock { $0 = error.errno }
            }
            try? client.put()
        }), on: bus)
        let consumer = Device(kernel: kernel, name: "eeprom-user.0", bus: bus, matchIDs: ["test,eeprom-user"]) { _ in }
        if linked { try kernel.addLink(supplier: controller, consumer: consumer) }
        try kernel.register(consumer)
        return consumer
    }

    var adapter: I2CAdapter? { i2c.adapter(number: 0) }
    var useAfterFree: [LifetimeEvent] { recorder.events(.memoryUseAfterFree) }
    func releases(of name: String) -> Int { recorder.events(.deviceRelease).filter { $0.objectName == name }.count }
}
