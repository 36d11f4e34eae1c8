import DriverCore
import Foundation
import Instrumentation

/// Driver-core benchmarks (issue 3): devres node cost against a plain Swift class
/// allocation measured in the same run, bind+unbind with 100 devres nodes, and matching
/// 10,000 / 100,000 devices against 1,000 drivers (must grow linearly: indexed id tables).
enum CoreBench {
    final class Payload { var x = 0 }

    /// Median over `repetitions` of the per-operation time of `body(iterations)`.
    static func nsPerOp(iterations: Int, repetitions: Int = 7, _ body: (Int) -> Void) -> Double {
        body(max(1, iterations / 10))  // warm-up
        var samples: [Double] = []
        for _ in 0..<repetitions {
            let start = monotonicNanoseconds()
            body(iterations)
            samples.append(Double(monotonicNanoseconds() - start) / Double(iterations))
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    static func run() -> BenchReport {
        var report = BenchReport(suite: "driver core (issue 3)")
        let kernel = Kernel()
        let device = Device(kernel: kernel, name: "bench", release: { _ in })
        try! kernel.register(device)

        // A Swift class allocation that survives the optimiser, as the unit of comparison.
        // Both are measured by the shared harness (11 repetitions, median and min), so a
        // noisy neighbour moves both the same way.
        let classAlloc = Harness.measure(iterations: 1_000_000) { n, _ in
            var keep = 0
            let start = Harness.now()
            for i in 0..<n {
                let p = Payload()
                p.x = i
                keep &+= withExtendedLifetime(p) { ObjectIdentifier($0).hashValue & 1 }
            }
            let elapsed = Harness.now() - start
            blackHole(keep)
            return elapsed
        }
        report.rows.append(BenchRow(name: "swift class allocation (baseline)", value: classAlloc.median, unit: "ns/op",
                                    min: classAlloc.min))

        // Nodes are added and released in bindings of 100 (a large real driver has tens), so
        // the list stays cache-resident as a device's devres list does.
        let box = UnsafeSendableBox((kernel, device))
        let devres = Harness.measure(iterations: 100_000) { n, _ in
            let (kernel, device) = box.value
            let start = Harness.now()
            for _ in 0..<(n / 100) {
                for _ in 0..<100 { try! device.devres.addAction(ActionKey("bench")) {} }
                kernel.benchmarkReleaseAll(device)
            }
            return Harness.now() - start
        }
        report.rows.append(BenchRow(name: "devres action add+release (lists of 100)", value: devres.median,
                                    unit: "ns/node", min: devres.min))
        report.ratios.append(("devres node / class allocation", devres.median / classAlloc.median,
                              devres.min / classAlloc.min, "<= 3"))

        let driver = ClosureDriver(name: "bench-drv", idTable: ["bench,100"]) { (dev: borrowing BoundDevice) throws(ProbeError) in
            for _ in 0..<100 { try? dev.devres.addAction(ActionKey("res")) {} }
        }
        let bus = Bus(name: "bench")
        try! kernel.registerBus(bus)
        try! kernel.registerDriver(driver, on: bus)
        let target = Device(kernel: kernel, name: "target", bus: bus, matchIDs: ["bench,100"]) { _ in }
        try! kernel.register(target)
        let bindUnbind = nsPerOp(iterations: 2_000) { n in
            for _ in 0..<n {
                try! kernel.unbind(target)
                try! kernel.bind(target, to: "bench-drv")
            }
        }
        report.rows.append(BenchRow(name: "bind+unbind, 100 devres nodes", value: bindUnbind / 1000, unit: "µs"))

        let small = registerDevices(count: 10_000, drivers: 1_000)
        let large = registerDevices(count: 100_000, drivers: 1_000)
        report.rows.append(BenchRow(name: "register 10,000 devices vs 1,000 drivers", value: small, unit: "s"))
        report.rows.append(BenchRow(name: "register 100,000 devices vs 1,000 drivers", value: large, unit: "s"))
        report.ratios.append(("100,000 / 10,000 registration time", large / small, large / small, "~10 (linear); 100,000 in < 2 s"))
        return report
    }

    /// Registers `drivers` drivers, then `count` devices spread over their id tables; every
    /// device binds. Returns wall seconds for the device registrations.
    static func registerDevices(count: Int, drivers: Int) -> Double {
        let kernel = Kernel()
        let bus = Bus(name: "scale")
        try! kernel.registerBus(bus)
        for d in 0..<drivers {
            try! kernel.registerDriver(ClosureDriver(name: "drv\(d)", idTable: ["vendor,chip\(d)"]), on: bus)
        }
        let start = monotonicNanoseconds()
        for i in 0..<count {
            let dev = Device(kernel: kernel, name: "dev\(i)", bus: bus, matchIDs: ["vendor,chip\(i % drivers)"]) { _ in }
            try! kernel.register(dev)
        }
        return Double(monotonicNanoseconds() - start) / 1e9
    }
}

extension CoreBench {
    /// A fixed workload for `valgrind --tool=callgrind` (instruction counts are repeatable on a
    /// noisy machine): 100,000 devres add+release in bindings of 100.
    static func profileDevres() -> BenchReport {
        let kernel = Kernel()
        let device = Device(kernel: kernel, name: "p", release: { _ in })
        for _ in 0..<1000 {
            for _ in 0..<100 { try! device.devres.addAction(ActionKey("bench")) {} }
            kernel.benchmarkReleaseAll(device)
        }
        return BenchReport(suite: "profile-devres (fixed workload for callgrind; no figures)")
    }
}
