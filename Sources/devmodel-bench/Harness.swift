import CShim
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small timing harness shared by every suite: CLOCK_MONOTONIC, threads pinned to CPUs,
/// a warm-up, N repetitions, median and min. Plain enough that C and Swift are timed alike.
enum Harness {
    static let repetitions = 11

    @inline(__always)
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    static var cpus: Int { Int(dm_online_cpus()) }

    /// Runs `body(threadIndex)` on `threads` fresh pthreads pinned to CPUs 0, 1, …, released
    /// together; returns the mean of the per-thread results.
    static func onPinnedThreads(_ threads: Int, _ body: @escaping @Sendable (Int) -> Double) -> Double {
        let ready = Atomic<Int>(0)
        let results = UnsafeMutablePointer<Double>.allocate(capacity: threads)
        defer { results.deallocate() }
        let out = UnsafeSendable(results)
        let count = cpus
        let handles = (0..<threads).map { index in
            spawn {
                _ = dm_pin_to_cpu(Int32(index % max(1, count)))
                ready.add(1, ordering: .acquiringAndReleasing)
                while ready.load(ordering: .acquiring) < threads { sched_yield() }
                out.pointer[index] = body(index)
            }
        }
        for handle in handles { pthread_join(handle, nil) }
        return (0..<threads).reduce(0) { $0 + results[$1] } / Double(threads)
    }

    /// ns per operation of `loop(iterations, threadIndex)` (which returns elapsed ns), on
    /// `threads` pinned threads: one warm-up, then `repetitions` runs; median and min over the runs.
    static func measure(threads: Int = 1, iterations: Int,
                        _ loop: @escaping @Sendable (Int, Int) -> UInt64) -> Sample {
        _ = onPinnedThreads(threads) { Double(loop(iterations / 10, $0)) }
        var values: [Double] = []
        for _ in 0..<repetitions {
            values.append(onPinnedThreads(threads) { Double(loop(iterations, $0)) / Double(iterations) })
        }
        return Sample(values)
    }

    static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(&thread, nil, { context in
            Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
        if rc != 0 {
            // No thread: run inline so the figure is still produced (single-threaded).
            Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
        }
        return thread
    }
}

/// Median and min of repeated measurements, plus percentiles for latency distributions.
struct Sample {
    let values: [Double]
    init(_ values: [Double]) { self.values = values.sorted() }
    var median: Double { values.isEmpty ? .nan : values[values.count / 2] }
    var min: Double { values.first ?? .nan }
    func percentile(_ p: Double) -> Double {
        values.isEmpty ? .nan : values[Swift.min(values.count - 1, Int(Double(values.count) * p))]
    }
}

/// A pointer handed to pinned threads that each write their own element.
// Sendable: each pinned thread writes only its own element of the pointed-to buffer.
struct UnsafeSendable<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// Keeps the optimizer from deleting a computed value: an atomic store it must perform.
private let sink = Atomic<Int>(0)
func blackHole(_ value: Int) { sink.store(value, ordering: .relaxed) }
func blackHole(_ value: UInt64) { sink.store(Int(truncatingIfNeeded: value), ordering: .relaxed) }
func blackHole<T: AnyObject>(_ value: [T]) { withExtendedLifetime(value) {} }

/// One line of a report: a figure, its unit, and optional comparisons.
struct BenchRow {
    let name: String
    let value: Double
    let unit: String
    var min: Double? = nil
    var extra: [(String, Double)] = []
    var note: String = ""
}

/// The figures of one suite, printable as text or JSON.
struct BenchReport {
    let suite: String
    var rows: [BenchRow] = []
    /// name, ratio of medians, ratio of mins (best runs: less disturbed by other load), goal
    var ratios: [(String, Double, Double, String)] = []
    var notes: [String] = []

    func printText() {
        print("== \(suite)")
        for row in rows {
            var line = "\(pad(row.name, 58)) \(pad(format(row.value), 10)) \(row.unit)"
            if let m = row.min { line += "   (min \(format(m)))" }
            for (k, v) in row.extra { line += "   \(k) \(format(v))" }
            if !row.note.isEmpty { line += "   [\(row.note)]" }
            print(line)
        }
        if !ratios.isEmpty { print("-- ratios \(pad("", 38)) of medians  of mins") }
        for (name, value, best, goal) in ratios {
            print("\(pad(name, 58)) \(pad(format(value), 10)) \(pad(format(best), 8))  goal: \(goal)")
        }
        for note in notes { print("note: \(note)") }
    }

    func json() -> String {
        func num(_ v: Double) -> String { v.isFinite ? String(v) : "null" }
        func str(_ s: String) -> String {
            "\"" + s.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"") + "\""
        }
        let rowsJSON = rows.map { row in
            var fields = ["\"name\": \(str(row.name))", "\"value\": \(num(row.value))", "\"unit\": \(str(row.unit))"]
            if let m = row.min { fields.append("\"min\": \(num(m))") }
            for (k, v) in row.extra { fields.append("\(str(k)): \(num(v))") }
            if !row.note.isEmpty { fields.append("\"note\": \(str(row.note))") }
            return "{" + fields.joined(separator: ", ") + "}"
        }
        let ratiosJSON = ratios.map {
            "{\"name\": \(str($0.0)), \"value\": \(num($0.1)), \"ofMins\": \(num($0.2)), \"goal\": \(str($0.3))}"
        }
        return "{\"suite\": \(str(suite)), \"rows\": [" + rowsJSON.joined(separator: ", ")
            + "], \"ratios\": [" + ratiosJSON.joined(separator: ", ")
            + "], \"notes\": [" + notes.map(str).joined(separator: ", ") + "]}"
    }

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
}

func format(_ v: Double) -> String {
    guard v.isFinite else { return "n/a" }
    if v >= 100 { return String(Int(v.rounded())) }
    let scaled = (v * 100).rounded() / 100
    return String(scaled)
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
