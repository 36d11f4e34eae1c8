import Testing
import Instrumentation
@testable import DriverCore

/// Fail the 1st, 2nd, … injectable point of a 12-step probe until a run consumes no fault;
/// after each: nothing leaks, nothing is released twice, releases are the exact reverse of
/// acquisitions, and the device is unbound and cleanly re-bindable.
@Suite struct FaultSweepTests {
    static let steps = ["clk", "reset", "regulator", "irq", "dma", "regmap", "pinctrl", "phy", "gpio", "iomem", "sysfs", "cdev"]

    final class Ledger: @unchecked Sendable {
        let acquired = Locked<[String]>([])
        let released = Locked<[String]>([])
    }

    func driver(_ ledger: Ledger) -> ClosureDriver {
        ClosureDriver(name: "sweep") { (dev: borrowing BoundDevice) throws(ProbeError) in
            for (i, step) in Self.steps.enumerated() {
                try dev.step(step)
                do throws(DriverCoreError) {
                    if i % 3 == 0 {
                        _ = try dev.devres.alloc(step, name: "devm_kzalloc(\(step))")
                        try dev.devres.addAction(ActionKey("log \(step)")) { ledger.released.withLock { $0.append(step) } }
                        ledger.acquired.withLock { $0.append(step) }
                    } else {
                        try dev.devres.addActionOrReset(ActionKey(step)) { ledger.released.withLock { $0.append(step) } }
                        ledger.acquired.withLock { $0.append(step) }
                    }
                } catch {
                    throw .failed(error.errno, "\(error)")
                }
            }
        }
    }

    @Test func sweepEveryFailurePointOfAProbe() throws {
        var failAt = 1
        var sweptPoints: [String] = []
        while true {
            let t = TestKernel()
            let ledger = Ledger()
            try t.kernel.registerDriver(driver(ledger), on: t.bus)
            let dev = t.device("sweep")
            // The probe's points: the device's own device_add (a bus operation) is not swept here.
            t.kernel.faults.arm(failAt: failAt, kinds: Set(FaultInjector.PointKind.allCases).subtracting([.busOperation]))
            try t.kernel.register(dev)
            let (_, injected) = t.kernel.faults.disarm()
            guard let injected else {
                #expect(dev.state == .bound)
                break
            }
            sweptPoints.append(injected.name)
            #expect(dev.state == .added, "fault \(injected)")
            #expect(dev.devres.isEmpty, "leak after \(injected)")
            let acquired = ledger.acquired.withLock { $0 }
            let released = ledger.released.withLock { $0 }
            // or_reset runs the action at once when registration fails: that resource is
            // released although never recorded as acquired.
            let expected = Array(acquired.reversed())
            let extra = released.filter { !acquired.contains($0) }
            #expect(released.filter { acquired.contains($0) } == expected, "order after \(injected)")
            #expect(extra.count <= 1 && Set(released).count == released.count, "double release after \(injected)")
            #expect(t.recorder.events(.memoryDoubleFree).isEmpty)
            let frees = t.recorder.events(.memoryFree).count
            let allocs = t.recorder.events(.memoryAlloc).count
            #expect(frees == allocs, "memory leak after \(injected)")
            // cleanly re-bindable
            try t.kernel.bind(dev, to: "sweep")
            #expect(dev.state == .bound)
            failAt += 1
        }
        #expect(sweptPoints.count >= 10)
        #expect(Set(Self.steps).isSubset(of: Set(sweptPoints)))
    }
}
