import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// Threads opening, pinging, configuring and closing the watchdog (through both nodes) while
/// another thread unbinds and rebinds in a loop: no call reaches the driver after its unbind
/// finished (its register cache is devres memory: such a call raises a use-after-free event),
/// and every object is released exactly once.
@Suite struct WatchdogStressTests {
    @Test func callersRaceUnbindRebind() throws {
        let f = try WatchdogFixture(keeping: [.memoryUseAfterFree, .cdevRegister, .deviceRelease])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        // OS threads: a 2-thread cooperative pool could starve the unbinder.
        var bodies: [@Sendable () -> Void] = []
        do {
            for t in 0..<3 {
                bodies.append(fileCaller(stop: stop, outcomes: outcomes, open: { () throws(FileError) in
                    try f.dev.open(t == 0 ? "watchdog" : "watchdog0")
                }, use: { (file: OpenFile) throws(FileError) in
                    _ = try file.write(Array("V".utf8))
                    try file.ioctl(WdiocKeepalive())
                    _ = try file.ioctl(WdiocSetTimeout(5 + t))
                    _ = try file.ioctl(WdiocGetStatus())
                    _ = file.poll()
                }))
            }
            bodies.append(rebindLoop(f.kernel, f.controller, driver: "test-wdt", stop: stop) {
                outcomes.withLock { $0["ok"] ?? 0 } > 0
            })
        }
        runOnThreads(bodies)
        try f.kernel.unregister(f.controller)
        #expect(f.useAfterFree.isEmpty)
        let registered = f.recorder.events(.cdevRegister)
        #expect(registered.filter { $0.objectName == "watchdog0" }.count == 41)
        #expect(f.releases(of: "watchdog0") == 41)
        #expect(f.releases(of: "watchdog") == 41)
        #expect(f.controller.state == .released)
        #expect((outcomes.withLock { $0["ok"] } ?? 0) > 0)
    }
}
