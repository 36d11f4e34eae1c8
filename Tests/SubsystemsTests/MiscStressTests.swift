import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// Threads using misc files (open, write, read, ioctl, poll, and a long-lived shared handle)
/// while another unbinds and rebinds in a loop: no fop reaches the driver after its unbind
/// finished (its buffer is devres memory), every object is released exactly once.
@Suite struct MiscStressTests {
    @Test func callersRaceUnbindRebind() throws {
        let f = try MiscFixture(controllers: ["ctl-a", "ctl-b"], keeping: [.memoryUseAfterFree, .cdevRegister, .deviceRelease])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        let shared = try f.dev.open("ctl-a-misc", nonblocking: true)
        // OS threads: a 2-thread cooperative pool could starve the unbinder.
        var bodies: [@Sendable () -> Void] = []
        do {
            for t in 0..<3 {
                bodies.append(fileCaller(stop: stop, outcomes: outcomes, open: { () throws(FileError) in
                    try f.dev.open(t == 2 ? "ctl-b-misc" : "ctl-a-misc", nonblocking: true)
                }, use: { (file: OpenFile) throws(FileError) in
                    _ = try file.write([UInt8(t)])
                    _ = try file.read(maxBytes: 4)
                    _ = try file.ioctl(MiscQueued())
                    _ = file.poll()
                    _ = try? shared.write([0])
                }))
            }
            bodies.append {
                waitUntil { outcomes.withLock { $0["ok"] ?? 0 } > 0 }
                for i in 0..<40 {
                    let ctl = f.controllers[i % 2]
                    try? f.kernel.unbind(ctl)
                    try? f.kernel.bind(ctl, to: "test-misc")
                }
                stop.withLock { $0 = true }
            }
        }
        runOnThreads(bodies)
        #expect(throws: FileError(.ENODEV, "")) { try shared.write([0]) }   // its device was unbound
        try shared.close()
        for ctl in f.controllers { try f.kernel.unregister(ctl) }
        #expect(f.useAfterFree.isEmpty)
        for name in ["ctl-a-misc", "ctl-b-misc"] {
            let registered = f.recorder.events(.cdevRegister).filter { $0.objectName == name }.count
            #expect(registered == 21)
            #expect(f.releases(of: name) == registered)
        }
        #expect(f.misc.devices.isEmpty)
        #expect((outcomes.withLock { $0["ok"] } ?? 0) > 0)
    }
}
