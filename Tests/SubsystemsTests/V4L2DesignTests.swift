import Foundation
import Testing
import CharDev
import DriverCore
import Instrumentation
@testable import Subsystems

/// The two designs side by side: an ioctl is inside the driver (held there by a gate) when the
/// camera is unbound. With the kernel's registered-bit check at syscall entry the unbind does
/// not wait and frees the driver's registers under the ioctl, which then reads freed memory;
/// with our fence around the whole ioctl the unbind waits for it. Decided by outcomes, never
/// by timing: the first unbind is joined while the ioctl is still held.
@Suite struct V4L2DesignTests {
    /// A camera whose control read waits for `gate` before touching its devres registers.
    final class GatedOps: VideoDeviceOps {
        let registers: ModelMemory<Int32>
        let inside: DispatchSemaphore
        let gate: DispatchSemaphore
        init(registers: ModelMemory<Int32>, inside: DispatchSemaphore, gate: DispatchSemaphore) {
            self.registers = registers
            self.inside = inside
            self.gate = gate
        }
        var driverName: String { "gated" }
        var cardName: String { "gated" }
        func getControl(_ id: UInt32) throws(FileError) -> Int32 {
            inside.signal()
            gate.wait()
            do { return try registers.get() } catch { throw FileError(.EIO, "\(error)") }
        }
        func dequeueFrame() throws(FileError) -> [UInt8]? { nil }
    }

    static func fixture(_ design: V4L2CallDesign, inside: DispatchSemaphore, gate: DispatchSemaphore) throws -> V4L2Fixture {
        try V4L2Fixture(design: design) { core in
            ClosureDriver(name: "gated", idTable: ["gated"]) { (d: borrowing BoundDevice) throws(ProbeError) in
                try ProbeError.mapping {
                    let regs = try d.devres.alloc(Int32(7), name: "devm_ioremap(gated)")
                    let v4l2 = try core.registerV4L2Device(name: "gated", provider: d)
                    try core.registerVideoDevice(v4l2, operations: GatedOps(registers: regs, inside: inside, gate: gate), provider: d)
                }
            }
        }
    }

    @Test("registered bit at entry (the kernel's): the unbind returns under the ioctl, which then reads freed registers")
    func registeredBitIsRacy() throws {
        let inside = DispatchSemaphore(value: 0), gate = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let f = try Self.fixture(.registeredBit, inside: inside, gate: gate)
        let file = try f.dev.open("/dev/video0")
        Thread { _ = try? file.ioctl(VidiocGCtrl(id: 1)); done.signal() }.start()
        inside.wait()
        try f.kernel.unbind(f.camera)               // returns: nothing waits for the ioctl
        #expect(f.useAfterFree.isEmpty)
        gate.signal()
        done.wait()
        #expect(!f.useAfterFree.isEmpty)            // the ioctl touched freed devres memory
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(VidiocGCtrl(id: 1)) }   // later calls: refused at entry
        try file.close()
    }

    @Test("fence around the whole ioctl (ours): the unbind waits for it; nothing is touched after the free")
    func fenceWaits() throws {
        let inside = DispatchSemaphore(value: 0), gate = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let f = try Self.fixture(.fence, inside: inside, gate: gate)
        let file = try f.dev.open("/dev/video0")
        let value = Locked<Int32?>(nil)
        Thread { value.withLock { $0 = try? file.ioctl(VidiocGCtrl(id: 1)) }; done.signal() }.start()
        inside.wait()
        let unbound = DispatchSemaphore(value: 0)
        Thread { try? f.kernel.unbind(f.camera); unbound.signal() }.start()
        gate.signal()
        done.wait()
        unbound.wait()
        #expect(value.withLock { $0 } == 7)         // the ioctl in flight completed against live registers
        #expect(f.useAfterFree.isEmpty)
        #expect(throws: FileError(.ENODEV, "")) { try file.ioctl(VidiocGCtrl(id: 1)) }
        try file.close()
    }
}
