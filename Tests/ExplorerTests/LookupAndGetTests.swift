import CharDev
import DriverCore
import Instrumentation
import Sanitizer
import ScenarioModel
import SimHardware
import Subsystems
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// The rule "lookup and get are one step": a consumer that finds an object in a subsystem's
/// table and takes a reference on it, racing the removal that drops the table's registration
/// reference. The old shape (look up, drop the lock, then get) must be caught; the core's
/// `SubsystemRegistry.lookup` must explore clean.
@Suite struct LookupAndGetTests {
    /// An I2C controller bound on a platform bus; the consumer asks for adapter 0 while the
    /// admin unbinds the controller.
    static func program(lookupThenGet: Bool) -> ExplorationProgram {
        .custom(name: "i2c-lookup-\(lookupThenGet ? "then-get" : "and-get")", actors: ["consumer", "admin"]) { () -> CustomExecution in
            let kernel = Kernel()
            let sanitizer = Sanitizer(attachingTo: kernel)
            let bus = Bus(name: "platform")
            try? kernel.registerBus(bus)
            let i2c = I2CCore(namespace: DevNamespace(kernel: kernel))
            try? kernel.registerDriver(ClosureDriver(name: "sim-i2c", idTable: ["sim,i2c"]) { (d: borrowing BoundDevice) throws(ProbeError) in
                try ProbeError.mapping {
                    let memory = try d.devres.alloc(SimEepromAdapter.Eeprom(), name: "devm_kzalloc(eeprom)")
                    try i2c.addAdapter(SimEepromAdapter(memory: memory, calls: Locked(0)), provider: d)
                }
            }, on: bus)
            let controller = Device(kernel: kernel, name: "i2c-ctrl.0", bus: bus, matchIDs: ["sim,i2c"]) { _ in }
            try? kernel.register(controller)
            let consumer: @Sendable () -> Void
            if lookupThenGet {
                consumer = {
                    // The bug's shape: the snapshot lookup returns, the table lock is gone, then get.
                    guard let adapter = i2c.adapter(number: 0) else { return }
                    guard (try? adapter.cdev.device.get()) != nil else { return }
                    try? adapter.cdev.device.put()
                }
            } else {
                consumer = {
                    guard let client = try? i2c.newClient(adapter: 0, address: 0x50, name: "eeprom") else { return }
                    try? client.put()
                }
            }
            return CustomExecution(actors: [consumer, { try? kernel.unbind(controller) }],
                                   check: {
                kernel.unregisterAll()   // the board goes; whatever stays referenced is a leak
                return BrokenCoreExplorerTests.verdict(sanitizer)
            })
        }
    }

    @Test func lookupThenGetIsCaughtAndLookupAndGetExploresClean() {
        let broken = Explorer(program: Self.program(lookupThenGet: true)).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(BrokenCoreExplorerTests.kinds(broken).contains("sanitizer: get-after-release"), "\(broken.report)")
        let real = Explorer(program: Self.program(lookupThenGet: false)).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(real.complete)
        #expect(real.executions > 1)
        #expect(real.failures.isEmpty, "\(real.report)")
    }

    /// Every table's race scenario in Scenarios/: clean at bound 2, each outcome reached.
    @Test(arguments: ["i2c-new-client-races-unbind.yaml", "gpiod-get-races-unbind.yaml",
                      "spidev-open-races-unregister.yaml", "watchdog-open-races-unregister.yaml",
                      "misc-open-races-unregister.yaml"])
    func raceScenariosExploreClean(_ name: String) throws {
        let s = try ScenarioFile.load(ExampleSweepTests.directory.appendingPathComponent(name).path)
        let r = Explorer(scenario: s).explore(strategy: .preemptionBounded(maxPreemptions: 2))
        #expect(r.complete)
        #expect(r.passed, "\(r.report)")
    }
}
