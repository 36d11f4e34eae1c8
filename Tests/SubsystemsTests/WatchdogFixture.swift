import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// A platform bus with one watchdog controller. The simulated timer (hardware) outlives the
/// driver, as a chip does; the driver's register cache lives in devres memory, so any driver
/// callback after unbind raises a `memory.useAfterFree` event, which every test checks.
final class WatchdogFixture: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder: EventRecorder
    let dev: DevNamespace
    let core: WatchdogCore
    let controller: Device
    let clock = WatchdogClock()
    let hardware: Hardware

    /// The watchdog timer itself: counts down on the simulated clock; expiry = reboot.
    final class Hardware: @unchecked Sendable {
        let clock: WatchdogClock
        private let state = Locked<(running: Bool, lastPing: Int, timeout: Int)>((false, 0, 0))
        init(clock: WatchdogClock) { self.clock = clock }
        func start(_ timeout: Int) { let now = clock.now; state.withLock { $0 = (true, now, timeout) } }
        func stop() { state.withLock { $0.running = false } }
        func ping() { let now = clock.now; state.withLock { $0.lastPing = now } }
        func setTimeout(_ t: Int) { state.withLock { $0.timeout = t } }
        var running: Bool { state.withLock { $0.running } }
        var timeout: Int { state.withLock { $0.timeout } }
        /// The timer ran out without a keep-alive: the board would reboot.
        var rebootPending: Bool { let now = clock.now; return state.withLock { $0.running && now - $0.lastPing >= $0.timeout } }
    }

    final class Driver: WatchdogOps {
        let info: WatchdogInfo
        let regs: ModelMemory<Int>   // devm: a register cache (calls counted here)
        let hw: Hardware
        init(info: WatchdogInfo, regs: ModelMemory<Int>, hw: Hardware) { self.info = info; self.regs = regs; self.hw = hw }
        private func touch() throws(FileError) {
            do { try regs.write { $0 += 1 } } catch { throw FileError(.EIO, "\(error)") }
        }
        func start(timeout: Int) throws(FileError) { try touch(); hw.start(timeout) }
        func stop() throws(FileError) { try touch(); hw.stop() }
        func ping() throws(FileError) { try touch(); hw.ping() }
        func setTimeout(_ seconds: Int) throws(FileError) -> Int { try touch(); hw.setTimeout(seconds); return seconds }
    }

    init(config: WatchdogConfig = WatchdogConfig(timeout: 10, minTimeout: 1, maxTimeout: 60),
         options: WatchdogOptions = [.magicClose, .keepalivePing, .setTimeout],
         keeping: Set<EventKind>? = nil, beforePublish: (@Sendable (WatchdogCoreData) -> Void)? = nil,
         deferBind: Bool = false) throws {
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        core = WatchdogCore(namespace: dev)
        core.beforePublish.withLock { $0 = beforePublish }
        hardware = Hardware(clock: clock)
        let core = self.core, hw = hardware
        let info = WatchdogInfo(identity: "test-wdt", options: options)
        driver = ClosureDriver(name: "test-wdt", idTable: ["test,wdt"]) { (d: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                let regs = try d.devres.alloc(0, name: "devm_kzalloc(regs)")
                try core.register(Driver(info: info, regs: regs, hw: hw), config: config, provider: d)
            }
        }
        controller = Device(kernel: kernel, name: "wdt.0", bus: bus, matchIDs: ["test,wdt"]) { _ in }
        try kernel.register(controller)
        // deferBind: the test loads the driver itself (``loadDriver()``), which probes.
        if !deferBind { try loadDriver() }
    }

    let driver: ClosureDriver
    func loadDriver() throws { try kernel.registerDriver(driver, on: bus) }

    var wdog: WatchdogCoreData { core.watchdogs[0] }
    var useAfterFree: [LifetimeEvent] { recorder.events(.memoryUseAfterFree) }
    func releases(of node: String) -> Int { recorder.events(.deviceRelease).filter { $0.objectName == node }.count }
}
