import CharDev
import DriverCore
import Foundation
import Instrumentation
import Subsystems

/// Character-device benchmarks (issue 5): a file operation through the fence against the same
/// operation on a device with no fence (`Protection.legacyUnfenced`), measured in one run;
/// unbind latency with many open handles and blocked readers; open+close throughput.
enum CharDevBench {
    /// A GPIO-like "value get": about the work of a register read behind a few dispatches.
    final class ValueOps: FileOperations {
        struct GetValue: IoctlRequest { typealias Reply = Int; static let name = "GET_VALUE" }
        let values = [Int](repeating: 1, count: 8)
        func ioctl(_ file: FileContext, _ request: any IoctlRequest) throws(FileError) -> any Sendable {
            guard request is GetValue else { throw FileError(.ENOTTY, "") }
            return values[3]
        }
    }

    /// A device whose reads block until unregister.
    final class BlockingOps: FileOperations {
        func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? { nil }
    }

    static func run() -> BenchReport {
        var report = BenchReport(suite: "character devices (issue 5)")
        let fenced = fileOperation(.revocable)
        let unfenced = fileOperation(.legacyUnfenced)
        report.rows.append(BenchRow(name: "ioctl(GET_VALUE) through an open file, fenced", value: fenced.median,
                                    unit: "ns/op", min: fenced.min))
        report.rows.append(BenchRow(name: "same, no fence (legacy, broken on purpose)", value: unfenced.median,
                                    unit: "ns/op", min: unfenced.min))
        report.ratios.append(("protected / unprotected file operation", fenced.median / unfenced.median,
                              fenced.min / unfenced.min, "<= 1.1"))
        var latencies: [(Int, Double)] = []
        for handles in [10, 1_000, 10_000] {
            let ms = unbindLatency(handles: handles, blockedReaders: 100)
            latencies.append((handles, ms))
            report.rows.append(BenchRow(name: "unregister, \(handles) open handles + 100 blocked readers",
                                        value: ms, unit: "ms"))
        }
        if let small = latencies.first?.1, let large = latencies.last?.1 {
            report.ratios.append(("unregister 10,000 / 10 handles", large / small, large / small, "~1 (independent); < 10 ms"))
        }
        let openClose = openCloseThroughput(threads: 2)
        report.rows.append(BenchRow(name: "open+close on one node, 2 threads", value: openClose, unit: "k pairs/s"))
        return report
    }

    static func fileOperation(_ protection: Protection) -> Sample {
        let kernel = Kernel()
        let ns = DevNamespace(kernel: kernel)
        let name = protection == .revocable ? "fenced0" : "unfenced0"
        _ = try? CharDevice.register(name: name, parent: nil, namespace: ns, operations: ValueOps(), protection: protection)
        guard let file = try? ns.open(name) else { return Sample([.nan]) }
        let box = UnsafeSendableBox(file)
        return Harness.measure(iterations: 2_000_000) { n, _ in
            let f = box.value
            var acc = 0
            let start = Harness.now()
            for _ in 0..<n { acc &+= (try? f.ioctl(ValueOps.GetValue())) ?? 0 }
            let elapsed = Harness.now() - start
            blackHole(acc)
            return elapsed
        }
    }

    /// Milliseconds for `unregister` with `handles` open files and `blockedReaders` threads
    /// asleep in read: it must wait for calls in flight only, never for open files or sleepers.
    static func unbindLatency(handles: Int, blockedReaders: Int) -> Double {
        let kernel = Kernel()
        let ns = DevNamespace(kernel: kernel)
        guard let cdev = try? CharDevice.register(name: "block0", parent: nil, namespace: ns, operations: BlockingOps()) else {
            return .nan
        }
        let files = (0..<handles).compactMap { _ in try? ns.open("block0") }
        let reader = files[0]
        let asleep = Locked(0)
        let threads = (0..<blockedReaders).map { _ in
            Thread {
                asleep.withLock { $0 += 1 }
                _ = try? reader.read()
            }
        }
        threads.forEach { $0.stackSize = 64 * 1024; $0.start() }
        while asleep.withLock({ $0 }) < blockedReaders { usleep(1_000) }
        usleep(20_000)  // let them reach the wait queue
        let start = Harness.now()
        cdev.unregister()
        let elapsed = Double(Harness.now() - start) / 1e6
        for f in files { try? f.close() }
        return elapsed
    }

    static func openCloseThroughput(threads: Int) -> Double {
        let kernel = Kernel()
        let ns = DevNamespace(kernel: kernel)
        _ = try? CharDevice.register(name: "oc0", parent: nil, namespace: ns, operations: ValueOps())
        let perThread = 200_000
        let start = Harness.now()
        _ = Harness.onPinnedThreads(threads) { _ in
            for _ in 0..<perThread { try? ns.open("oc0").close() }
            return 0
        }
        let seconds = Double(Harness.now() - start) / 1e9
        return Double(perThread * threads) / seconds / 1_000
    }
}

/// Hands a non-Sendable-checked reference to the pinned benchmark threads.
// Sendable: the benchmark hands the value to pinned threads that only read it.
struct UnsafeSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
