import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// Registration order and its failure path in drivers/watchdog/watchdog_dev.c: Krzysztof
/// Sobota's fix (publish before the struct device was initialised: systemd opened
/// /dev/watchdog and crashed in get_device) and Chen Jun's (an error path after device
/// initialisation must put, never free), both on top of `72139dfa2464`.
@Suite("watchdog registration") struct WatchdogRegistrationTests {
    @Test("the nodes cannot be opened before everything is initialised (class P10)")
    func noOpenBeforePublish() throws {
        let seen = Locked<[String]>([])
        let namespace = Locked<DevNamespace?>(nil)
        let f = try WatchdogFixture(beforePublish: { core in
            // Everything is wired: the object, its device (added), the legacy node ...
            let wired = core.cdev?.device.state.isPresent == true && core.legacyCdev != nil
            seen.withLock { $0.append("wired \(wired)") }
            // ... and still no one can open it.
            guard let dev = namespace.withLock({ $0 }) else { return }
            for path in ["/dev/watchdog0", "/dev/watchdog"] {
                do throws(FileError) {
                    try dev.open(path).close()
                    seen.withLock { $0.append("\(path) opened") }
                } catch {
                    seen.withLock { $0.append("\(path) \(error.errno.name)") }
                }
            }
        }, deferBind: true)
        namespace.withLock { $0 = f.dev }
        try f.loadDriver()
        #expect(seen.withLock { $0 } == ["wired true", "/dev/watchdog0 ENOENT", "/dev/watchdog ENOENT"])
        let file = try f.dev.open("/dev/watchdog0")
        _ = try file.write(Array("V".utf8))
        try file.close()
    }

    @Test("the legacy node is taken: nothing stays registered, object released once (class P7)")
    func registrationFailureReleasesOnce() throws {
        let f = try WatchdogFixture(deferBind: true)
        // Another driver already owns /dev/watchdog (the kernel's "a legacy watchdog module
        // is probably present"): watchdog0's device is added, then the legacy node fails.
        final class Squatter: FileOperations {}
        let squatter = try CharDevice.register(name: "watchdog", parent: nil, namespace: f.dev, operations: Squatter())
        let reached = Locked(false)
        f.core.beforePublish.withLock { $0 = { _ in reached.withLock { $0 = true } } }
        try? f.loadDriver()   // the probe fails; driver registration itself may succeed
        #expect(!reached.withLock { $0 })
        #expect(f.releases(of: "watchdog0") == 1)  // put, not freed: exactly one release
        #expect(f.core.watchdogs.isEmpty)
        #expect(f.dev.paths == ["/dev/watchdog"])   // only the squatter
        #expect(f.controller.driverName == nil)
        #expect(f.useAfterFree.isEmpty)
        squatter.unregister()
        try f.kernel.bind(f.controller, to: "test-wdt")  // id 0 is free again
        #expect(f.wdog.id == 0)
        #expect(f.dev.paths == ["/dev/watchdog", "/dev/watchdog0"])
    }
}
