import DriverCore
import Foundation
import Instrumentation

/// Driver-core benchmarks (issue 3): devres node cost against a plain Swift class
/// allocation measured in the same run, bind+unbind with 100 devres nodes, and matching
/// 10,000 / 100,000 devices against 1,000 drivers (must grow linearly: indexed id tables).
enum CoreBench {
    final class Payload { var x = 0 }

    struct Figure: Codable {
        let name: String
        let value: Double
        let unit: String
    }

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

    static func run() -> [Figure] {
        var figures: [Figure] = []
        let kernel = Kernel()
        let device = Device(kernel: kernel, name: "bench", release: { _ in })
        try! kernel.register(device)

        // A Swift class allocation that survives the optimiser, as the unit of comparison.
        let sink = Locked<Int>(0)
        let classAlloc = nsPerOp(iterations: 1_000_000) { n in
            var keep = 0
            for i in 0..<n {
                let p = Payload()
                p.x = i
                keep &+= withExtendedLifetime(p) { ObjectIdentifier($0).hashValue & 1 }
            }
            sink.withLock { $0 &+= keep }
        }
        figures.append(Figure(name: "swift class allocation", value: classAlloc, unit: "ns/op"))

        // Nodes are added and released in bindings of 100 (a large real driver has tens), so
        // the list stays cache-resident as a device's devres list does.
        let devres = nsPerOp(iterations: 100_000) { n in
            for _ in 0..<(n / 100) {
                for _ in 0..<100 { try! device.devres.addAction(ActionKey("bench")) {} }
                kernel.benchmarkReleaseAll(device)
            }
        }
        figures.append(Figure(name: "devres action add+release", value: devres, unit: "ns/node"))
        figures.append(Figure(name: "devres node / class allocation", value: devres / classAlloc, unit: "ratio (goal <= 3)"))

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
        figures.append(Figure(name: "bind+unbind, 100 devres nodes", value: bindUnbind / 1000, unit: "µs"))

        for count in [10_000, 100_000] {
            let seconds = registerDevices(count: count, drivers: 1_000)
            figures.append(Figure(name: "register \(count) devices vs 1,000 drivers", value: seconds, unit: "s"))
        }
        return figures
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

    static func print(_ figures: [Figure]) {
        Swift.print("== driver core (issue 3)")
        for f in figures {
            Swift.print("  " + f.name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%10.3f  %@", f.value, f.unit))
        }
        if let a = figures.first(where: { $0.name.hasPrefix("register 10000") }),
           let b = figures.first(where: { $0.name.hasPrefix("register 100000") }) {
            Swift.print(String(format: "  100,000 / 10,000 time ratio: %.2f (linear = 10)", b.value / a.value))
        }
    }
}
