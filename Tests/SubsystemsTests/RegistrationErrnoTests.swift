import CharDev
import DriverCore
import Instrumentation
import Testing
@testable import Subsystems

/// Every subsystem registers through CharDev's `SubsystemRegistry`, and a failed
/// registration keeps the errno of what failed (EBUSY, EEXIST, ENOMEM, ENOSPC, EINVAL), as
/// the kernel's `misc_register`, `i2c_add_adapter`, … return it. Each case also checks that
/// nothing stays registered.
@Suite struct RegistrationErrnoTests {
    final class Board: @unchecked Sendable {
        let kernel = Kernel()
        let bus = Bus(name: "platform")
        let dev: DevNamespace
        let misc: MiscCore
        let i2c: I2CCore
        let gpio: Gpiolib
        let spi: SPICore
        let watchdog: WatchdogCore
        private var probes = 0

        init(dynamicMinors: Range<Int> = 0..<64) throws {
            try kernel.registerBus(bus)
            dev = DevNamespace(kernel: kernel)
            misc = MiscCore(namespace: dev, dynamicMinors: dynamicMinors)
            i2c = I2CCore(namespace: dev)
            gpio = Gpiolib(namespace: dev)
            spi = SPICore(namespace: dev)
            watchdog = WatchdogCore(namespace: dev)
        }

        /// Binds a fresh device whose probe runs `register`; returns the errno it threw (nil: none).
        func probe(_ register: @escaping @Sendable (borrowing BoundDevice) throws(DriverCoreError) -> Void) throws -> Errno? {
            probes += 1
            let outcome = Locked<Errno?>(nil)
            let id = "test,probe\(probes)"
            try kernel.registerDriver(ClosureDriver(name: "probe\(probes)", idTable: [id]) { (d: borrowing BoundDevice) throws(ProbeError) in
                do throws(DriverCoreError) { try register(d) } catch { outcome.withLock { $0 = error.errno } }
            }, on: bus)
            try kernel.register(Device(kernel: kernel, name: "dev\(probes).0", bus: bus, matchIDs: [id]) { _ in })
            return outcome.withLock { $0 }
        }
    }

    final class Nop: FileOperations {}
    final class Chip: GpioChipOps {
        let label = "chip"
        let lineNames = ["a", "b"]
        func getValue(_ offset: Int) throws(FileError) -> Bool { false }
        func setValue(_ offset: Int, _ value: Bool) throws(FileError) {}
        func setDirection(_ offset: Int, output: Bool) throws(FileError) {}
    }
    final class Adapter: I2CAdapterOps {
        let name = "adapter"
        let functionality: I2CFunctionality = .i2c
        func masterTransfer(_ messages: [I2CMessage]) throws(FileError) -> [I2CMessage] { messages }
    }
    final class Controller: SPIControllerOps {
        let chipSelects: Int
        let maxSpeedHz: UInt32 = 1_000_000
        init(chipSelects: Int) { self.chipSelects = chipSelects }
        func setup(chipSelect: Int, _ settings: SPISettings) throws(FileError) {}
        func transfer(chipSelect: Int, _ settings: SPISettings, _ transfers: [SPITransfer]) throws(FileError) -> [[UInt8]] { [] }
    }
    final class Timer: WatchdogOps {
        let info = WatchdogInfo(identity: "timer", options: [])
        func start(timeout: Int) throws(FileError) {}
        func stop() throws(FileError) {}
        func ping() throws(FileError) {}
    }

    @Test func miscBusyStaticMinorIsEBUSYAndATakenNameEEXIST() throws {
        let b = try Board()
        #expect(try b.probe { (d) throws(DriverCoreError) in try b.misc.register(name: "one", minor: 5, operations: Nop(), provider: d) } == nil)
        #expect(try b.probe { (d) throws(DriverCoreError) in try b.misc.register(name: "two", minor: 5, operations: Nop(), provider: d) } == .EBUSY)
        #expect(try b.probe { (d) throws(DriverCoreError) in try b.misc.register(name: "one", operations: Nop(), provider: d) } == .EEXIST)
        #expect(b.dev.paths == ["/dev/one"])
        #expect(b.misc.devices.map(\.minor) == [5])
    }

    @Test func miscWithNoFreeDynamicMinorIsEBUSY() throws {
        let b = try Board(dynamicMinors: 0..<1)
        #expect(try b.probe { (d) throws(DriverCoreError) in try b.misc.register(name: "one", operations: Nop(), provider: d) } == nil)
        #expect(try b.probe { (d) throws(DriverCoreError) in try b.misc.register(name: "two", operations: Nop(), provider: d) } == .EBUSY)
        #expect(b.dev.paths == ["/dev/one"])
    }

    @Test func aNodeNameTakenByAnotherSubsystemIsEEXIST() throws {
        let b = try Board()
        #expect(try b.probe { (d) throws(DriverCoreError) in try b.misc.register(name: "gpiochip0", operations: Nop(), provider: d) } == nil)
        #expect(try b.probe { (d) throws(DriverCoreError) in try b.gpio.addChip(Chip(), provider: d) } == .EEXIST)
        #expect(b.gpio.devices.isEmpty)
        // The number is free again: the next chip gets gpiochip0's number, and a name clash again.
        #expect(try b.probe { (d) throws(DriverCoreError) in try b.gpio.addChip(Chip(), provider: d) } == .EEXIST)
    }

    @Test func spiControllerWithoutChipSelectsIsEINVAL() throws {
        let b = try Board()
        #expect(try b.probe { (d) throws(DriverCoreError) in try b.spi.addController(Controller(chipSelects: 0), provider: d) } == .EINVAL)
        #expect(b.spi.controllers.isEmpty && b.dev.paths.isEmpty)
    }

    /// cdev_device_add failing inside each registration: ENOMEM comes out of all five.
    @Test func anInjectedCdevFailureIsENOMEMInEverySubsystem() throws {
        let b = try Board()
        let registrations: [(String, @Sendable (borrowing BoundDevice) throws(DriverCoreError) -> Void)] = [
            ("misc", { (d) throws(DriverCoreError) in try b.misc.register(name: "pipe", operations: Nop(), provider: d) }),
            ("i2c", { (d) throws(DriverCoreError) in try b.i2c.addAdapter(Adapter(), provider: d) }),
            ("gpio", { (d) throws(DriverCoreError) in try b.gpio.addChip(Chip(), provider: d) }),
            ("spi", { (d) throws(DriverCoreError) in try b.spi.addController(Controller(chipSelects: 2), provider: d) }),
            ("watchdog", { (d) throws(DriverCoreError) in try b.watchdog.register(Timer(), provider: d) }),
        ]
        for (name, register) in registrations {
            b.kernel.faults.arm(failAt: 1, kinds: [.cdevRegistration])
            let errno = try b.probe(register)
            _ = b.kernel.faults.disarm()
            #expect(errno == .ENOMEM, "\(name)")
        }
        #expect(b.dev.paths.isEmpty)
        #expect(b.misc.devices.isEmpty && b.i2c.adapters.isEmpty && b.gpio.devices.isEmpty)
        #expect(b.spi.controllers.isEmpty && b.watchdog.watchdogs.isEmpty)
    }

    @Test func anExhaustedNumberSpaceIsENOSPC() throws {
        let b = try Board()
        let registry = SubsystemRegistry<MiscDevice>(kind: "test", numbers: 0..<1, events: b.kernel.events)
        let make: @Sendable (borrowing BoundDevice, String) throws(DriverCoreError) -> Void = { (d, name) throws(DriverCoreError) in
            let parent = d.device
            _ = try registry.register(provider: d, action: "test_unregister", make: { (n) throws(FileError) in
                let cdev = try CharDevice.prepare(name: name, parent: parent, namespace: b.dev, operations: Nop())
                return (MiscDevice(name: name, minor: n, cdev: cdev), [cdev])
            }, remove: { misc in registry.remove(misc) { misc.cdev.unregister() } })
        }
        #expect(try b.probe { (d) throws(DriverCoreError) in try make(d, "first") } == nil)
        #expect(try b.probe { (d) throws(DriverCoreError) in try make(d, "second") } == .ENOSPC)
        #expect(b.dev.paths == ["/dev/first"])
    }
}
