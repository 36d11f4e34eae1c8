import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// What the shared misc namespace guarantees, and what it does not (drivers/char/misc.c).
@Suite("misc namespace") struct MiscNamespaceTests {
    @Test("one major for all; lowest free dynamic minor; a busy static minor is refused")
    func minors() throws {
        let f = try MiscFixture(controllers: ["ctl-a", "ctl-b"])
        let a = try #require(f.device("ctl-a-misc")), b = try #require(f.device("ctl-b-misc"))
        #expect(a.major == 10 && b.major == 10)
        #expect([a.minor, b.minor] == [0, 1])
        #expect(f.dev.paths == ["/dev/ctl-a-misc", "/dev/ctl-b-misc"])
        final class Nop: FileOperations {}
        let probeResult = Locked<String?>(nil)
        try f.kernel.registerDriver(ClosureDriver(name: "static-minor", idTable: ["test,static"]) { (d: borrowing BoundDevice) throws(ProbeError) in
            do throws(DriverCoreError) {
                try f.misc.register(name: "watchdog", minor: 1, operations: Nop(), provider: d)   // 1 is b's
                probeResult.withLock { $0 = "registered" }
            } catch {
                probeResult.withLock { $0 = error.description }
            }
        }, on: f.bus)
        try f.kernel.register(Device(kernel: f.kernel, name: "static.0", bus: f.bus, matchIDs: ["test,static"]) { _ in })
        #expect(probeResult.withLock { $0 }?.contains("EBUSY") == true)
        #expect(!f.dev.contains("/dev/watchdog"))
    }

    @Test("minors and names are reused after deregistration; old files stay on their old object")
    func reuse() throws {
        let f = try MiscFixture(controllers: ["ctl-a", "ctl-b"])
        let oldA = try #require(f.device("ctl-a-misc"))
        let file = try f.dev.open("ctl-a-misc")
        try f.kernel.unbind(f.controllers[0])
        try f.addController("ctl-c")                      // takes a's freed minor
        let c = try #require(f.device("ctl-c-misc"))
        #expect(c.minor == oldA.minor)
        #expect(throws: FileError(.ENODEV, "")) { try file.write([1]) }   // never routed to c
        #expect(file.characterDevice === oldA.cdev)
        try f.kernel.bind(f.controllers[0], to: "test-misc")
        let newA = try #require(f.device("ctl-a-misc"))
        #expect(newA.minor == 2 && newA !== oldA)
        // Not guaranteed: identity. The same path now opens a different object.
        let again = try f.dev.open("ctl-a-misc")
        #expect(again.characterDevice === newA.cdev && again.characterDevice !== file.characterDevice)
        try again.close(); try file.close()
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("open racing deregister: ENOENT or ENODEV cleanly; a file that won fails ENODEV later")
    func openVersusDeregister() async throws {
        let f = try MiscFixture(keeping: [.memoryUseAfterFree, .deviceRelease])
        let outcomes = Locked<[String: Int]>([:])
        for _ in 0..<30 {
            let gate = Locked(false)
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        var tries = 0
                        // Bounded: on 2 cores two spinners could otherwise starve the unbinder.
                        while !gate.withLock({ $0 }) && tries < 200 {
                            tries += 1
                            var key: String
                            do throws(FileError) {
                                let file = try f.dev.open("ctl-a-misc")
                                do throws(FileError) { _ = try file.write([1]); key = "open+write" } catch { key = "open, write " + error.errno.name }
                                try file.close()
                            } catch {
                                key = "open " + error.errno.name
                            }
                            outcomes.withLock { $0[key, default: 0] += 1 }
                        }
                    }
                }
                group.addTask {
                    try? f.kernel.unbind(f.controllers[0])
                    gate.withLock { $0 = true }
                }
            }
            try f.kernel.bind(f.controllers[0], to: "test-misc")
        }
        let seen = Set(outcomes.withLock { $0.keys })
        #expect(seen.isSubset(of: ["open+write", "open, write ENODEV", "open ENOENT", "open ENODEV"]))
        #expect(f.useAfterFree.isEmpty)
        #expect(f.releases(of: "ctl-a-misc") == 30)
    }
}
