import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// Consumers across drivers (class P8): another driver holds an I2C client on the adapter.
@Suite struct I2cConsumerTests {
    @Test("a client held by another driver gets ENODEV after the adapter's provider unbinds")
    func clientWithoutLink() throws {
        let f = try I2cFixture()
        let consumer = try f.addConsumer(linked: false)
        #expect(consumer.state == .bound)
        guard let client = f.consumerClient.withLock({ $0 }) else { Issue.record("consumer holds no client"); return }
        try client.write([0, 1, 2])
        #expect(try client.writeThenRead([0], count: 2) == [1, 2])
        guard let adapter = f.adapter else { Issue.record("no adapter"); return }
        try f.kernel.unbind(f.controller)  // returns although the client is held
        #expect(consumer.state == .bound)   // no link: the consumer stays bound
        #expect(throws: FileError(.ENODEV, "")) { try client.read(count: 1) }
        #expect(throws: FileError(.ENODEV, "")) { try client.transfer([.write(0x50, [0])]) }
        #expect(f.recorder.events(.warning).contains { $0.detail == "removing adapter with clients still held" })
        #expect(!adapter.isReleased)
        try f.kernel.unbind(consumer)       // remove: last write is ENODEV, then put
        #expect(f.consumerRemoveResult.withLock { $0 } == .ENODEV)
        #expect(adapter.isReleased)
        #expect(f.releases(of: "i2c-0") == 1)
        #expect(throws: FileError(.EBADF, "")) { try client.put() }
        #expect(f.useAfterFree.isEmpty)
    }

    @Test("device link: the consumer is unbound first and drops its client in remove")
    func clientWithLink() throws {
        let f = try I2cFixture()
        let consumer = try f.addConsumer(linked: true)
        #expect(consumer.state == .bound)
        guard let adapter = f.adapter else { Issue.record("no adapter"); return }
        try f.kernel.unbind(f.controller)
        #expect(consumer.state != .bound)
        // The consumer's remove ran while the supplier was still bound: its last write worked.
        #expect(f.consumerRemoveResult.withLock { $0 } == Errno(rawValue: 0))
        #expect(f.consumerClient.withLock { $0 } == nil)
        #expect(!f.recorder.events(.warning).contains { $0.detail == "removing adapter with clients still held" })
        #expect(adapter.isReleased)
        #expect(f.releases(of: "i2c-0") == 1)
        #expect(f.useAfterFree.isEmpty)
    }
}
