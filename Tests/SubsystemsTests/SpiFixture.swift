#if canImport(Glibc)
import Glibc
#endif
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// A simulated SPI controller with two chip selects whose state lives in devres `ModelMemory`:
/// every transfer reads and writes it at the start and again at the end (with a yield in
/// between, to widen any check-then-use window), so a call that reached the driver after its
/// unbind finished would raise a `memory.useAfterFree` event. Received bytes are the sent
/// bytes plus the chip select (zeros in, chip select out, for reads).
final class SimSpiController: SPIControllerOps {
    struct State: Sendable { var messages = 0; var lastTx: [UInt8] = [] }
    let chipSelects = 2
    let maxSpeedHz: UInt32 = 10_000_000
    let memory: ModelMemory<State>
    /// Set by a test once an unbind returned; a call entering the driver afterwards counts here.
    let lateCalls: Locked<Int>
    let unbindFinished: Locked<Bool>

    init(memory: ModelMemory<State>, lateCalls: Locked<Int>, unbindFinished: Locked<Bool>) {
        self.memory = memory
        self.lateCalls = lateCalls
        self.unbindFinished = unbindFinished
    }

    func setup(chipSelect: Int, _ settings: SPISettings) throws(FileError) {
        if settings.mode.contains(.threeWire) { throw FileError(.EINVAL, "3-wire not supported") }
    }

    func transfer(chipSelect: Int, _ settings: SPISettings, _ transfers: [SPITransfer]) throws(FileError) -> [[UInt8]] {
        if unbindFinished.withLock({ $0 }) { lateCalls.withLock { $0 += 1 } }
        do {
            try memory.write { $0.messages += 1 }
            simYield()
            return try memory.write { (s: inout State) -> [[UInt8]] in
                transfers.map { t in
                    let tx = t.tx ?? [UInt8](repeating: 0, count: t.length)
                    s.lastTx = tx
                    return tx.map { $0 &+ UInt8(truncatingIfNeeded: chipSelect) }
                }
            }
        } catch {
            throw FileError(.EIO, "\(error)")
        }
    }
}

/// A platform bus with one SPI controller ("sim-spi" → `/dev/spidev0.0`, `/dev/spidev0.1`).
final class SpiFixture: @unchecked Sendable {
    let kernel = Kernel()
    let bus = Bus(name: "platform")
    let recorder: EventRecorder
    let dev: DevNamespace
    let spi: SPICore
    let controller: Device
    let lateCalls = Locked(0)
    let unbindFinished = Locked(false)

    init(keeping: Set<EventKind>? = nil) throws {
        recorder = EventRecorder(keeping: keeping)
        kernel.events.attach(recorder)
        try kernel.registerBus(bus)
        dev = DevNamespace(kernel: kernel)
        spi = SPICore(namespace: dev)
        let spi = self.spi
        let late = lateCalls
        let finished = unbindFinished
        try kernel.registerDriver(ClosureDriver(name: "sim-spi", idTable: ["sim,spi"]) { (d: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                let memory = try d.devres.alloc(SimSpiController.State(), name: "devm_kzalloc(spi)")
                try spi.addController(SimSpiController(memory: memory, lateCalls: late, unbindFinished: finished), provider: d)
            }
        }, on: bus)
        controller = Device(kernel: kernel, name: "spi-ctrl.0", bus: bus, matchIDs: ["sim,spi"]) { _ in }
        try kernel.register(controller)
    }

    var useAfterFree: [LifetimeEvent] { recorder.events(.memoryUseAfterFree) }
    func releases(of name: String) -> Int { recorder.events(.deviceRelease).filter { $0.objectName == name }.count }
}

/// `sched_yield()`: lets another thread run in the middle of a transfer.
func simYield() {
    #if canImport(Glibc)
    _ = sched_yield()
    #endif
}
