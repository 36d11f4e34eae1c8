import Testing
import Foundation
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// Threads using `/dev/i2c-0` files and in-kernel clients while another unbinds and rebinds
/// the adapter's provider in a loop. No call may reach the driver after its unbind finished
/// (the EEPROM is devres memory: such a call would raise a use-after-free event), every call
/// either works or fails with ENODEV (ENOENT when the node or adapter is absent), and every
/// adapter object is released exactly once.
@Suite struct I2cStressTests {
    @Test func callersRaceUnbindRebind() throws {
        let f = try I2cFixture(keeping: [.memoryUseAfterFree, .cdevRegister, .deviceRelease])
        let stop = Locked(false)
        let outcomes = Locked<[String: Int]>([:])
        let record: @Sendable (String) -> Void = { key in outcomes.withLock { $0[key, default: 0] += 1 } }
        var bodies: [@Sendable () -> Void] = []
        do {
            for _ in 0..<2 {
                bodies.append {
                    var rounds = 0
                    while !stop.withLock({ $0 }) && rounds < 20_000 {
                        rounds += 1
                        do throws(FileError) {
                            let file = try f.dev.open("i2c-0")
                            do throws(FileError) {
                                try file.ioctl(I2CSetSlaveForce(0x50))
                                _ = try file.write([0, 1])
                                _ = try file.ioctl(I2CReadWrite([.write(0x50, [0]), .read(0x50, count: 2)]))
                                _ = file.poll()
                                record("ok")
                            } catch {
                                record(error.errno.name)
                            }
                            try file.close()
                        } catch {
                            record("open " + error.errno.name)
                        }
                    }
                }
            }
            bodies.append {
                var rounds = 0
                while !stop.withLock({ $0 }) && rounds < 20_000 {
                    rounds += 1
                    do throws(FileError) {
                        let client = try f.i2c.newClient(adapter: 0, address: 0x51, name: "stress")
                        do throws(FileError) {
                            _ = try client.transfer([.write(0x50, [4, 4])])
                            record("ok")
                        } catch {
                            record(error.errno.name)
                        }
                        try client.put()
                    } catch {
                        record("client " + error.errno.name)
                    }
                }
            }
            bodies.append(rebindLoop(f.kernel, f.controller, driver: "sim-i2c", stop: stop) { outcomes.withLock { $0["ok"] ?? 0 } > 0 })
        }
        runOnThreads(bodies)
        try f.kernel.unregister(f.controller)
        #expect(f.useAfterFree.isEmpty)
        let registered = f.recorder.events(.cdevRegister).count
        #expect(registered == 41)
        #expect(f.releases(of: "i2c-0") == registered)
        #expect(f.controller.state == .released)
        let seen = outcomes.withLock { $0 }
        let allowed: Set<String> = ["ok", "ENODEV", "open ENOENT", "open ENODEV", "client ENOENT", "client ENODEV"]
        #expect(Set(seen.keys).isSubset(of: allowed), "unexpected outcomes: \(seen)")
        #expect((seen["ok"] ?? 0) > 0)
    }
}
