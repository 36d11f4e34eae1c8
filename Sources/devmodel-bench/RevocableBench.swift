import CShim
import Revocable
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The simulated device the accesses read: one field, and a ~50 ns "GPIO toggle".
// Sendable: `state` is scratch for the simulated register write: the benchmarks call `toggle` under
// the primitive they measure, and in the unprotected baseline a lost update only changes a hash nobody reads.
final class BenchChip: @unchecked Sendable {
    let value: Int
    var state: UInt64 = 1
    init(_ value: Int) { self.value = value }

    /// About 50 ns of dependent arithmetic, standing for a register write through a bus.
    @inline(never)
    func toggle(_ line: Int) -> UInt64 {
        var x = state ^ UInt64(truncatingIfNeeded: line)
        for _ in 0..<43 { x = (x &* 0x9E37_79B9_7F4A_7C15) ^ (x &>> 29) }
        state = x
        return x
    }
}

/// Baseline holders, each with the lock or counter next to the pointer it protects.
final class PlainHolder: Sendable {
    /// A relaxed load compiles to a plain `mov`, but the optimizer may not hoist it out of the
    /// loop (a plain field read would be hoisted and the loop would measure nothing).
    let chip: Atomic<Unmanaged<BenchChip>>
    init(_ chip: BenchChip) { self.chip = Atomic(Unmanaged.passRetained(chip)) }
    deinit { chip.load(ordering: .relaxed).release() }
}

final class MutexHolder: Sendable {
    let mutex: Mutex<BenchChip>
    init(_ chip: BenchChip) { mutex = Mutex(chip) }
}

// Sendable: the pthread rwlock is the synchronisation (it is the baseline being measured).
final class RWLockHolder: @unchecked Sendable {
    let lock: UnsafeMutablePointer<pthread_rwlock_t>
    let chip: BenchChip
    init(_ chip: BenchChip) {
        self.chip = chip
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }
    deinit { pthread_rwlock_destroy(lock); lock.deallocate() }
}

final class RefcountHolder: Sendable {
    let count = Atomic<Int>(1)
    let chip: BenchChip
    init(_ chip: BenchChip) { self.chip = chip }
}

/// `devmodel-bench revocable`: the read side against every baseline, revoke latency, memory
/// and the protected GPIO toggle, with ratios computed within this one run.
enum RevocableBench {
    static let iterations = 10_000_000

    static func run() -> BenchReport {
        var report = BenchReport(suite: "revocable")
        let cpus = Harness.cpus
        let twoThreads = 2
        let n = iterations

        // MARK: read side: enter + one field read + leave
        let rev = Revocable(BenchChip(42))
        let revocableLoop: @Sendable (Int, Int) -> UInt64 = { n, _ in
            var sum = 0
            let t0 = Harness.now()
            for _ in 0..<n { sum &+= rev.withAccess { $0?.value ?? 0 } }
            let t1 = Harness.now()
            blackHole(sum)
            return t1 - t0
        }
        let own = [Revocable(BenchChip(42)), Revocable(BenchChip(43))]
        let ownLoop: @Sendable (Int, Int) -> UInt64 = { n, thread in
            let mine = own[thread % 2]
            var sum = 0
            let t0 = Harness.now()
            for _ in 0..<n { sum &+= mine.withAccess { $0?.value ?? 0 } }
            let t1 = Harness.now()
            blackHole(sum)
            return t1 - t0
        }
        let plain = PlainHolder(BenchChip(42))
        let plainLoop: @Sendable (Int, Int) -> UInt64 = { n, _ in
            var sum = 0
            let t0 = Harness.now()
            for _ in 0..<n { sum &+= plain.chip.load(ordering: .relaxed)._withUnsafeGuaranteedRef { $0.value } }
            let t1 = Harness.now()
            blackHole(sum)
            return t1 - t0
        }
        let mutex = MutexHolder(BenchChip(42))
        let mutexLoop: @Sendable (Int, Int) -> UInt64 = { n, _ in
            var sum = 0
            let t0 = Harness.now()
            for _ in 0..<n { sum &+= mutex.mutex.withLock { $0.value } }
            let t1 = Harness.now()
            blackHole(sum)
            return t1 - t0
        }
        let rw = RWLockHolder(BenchChip(42))
        let rwLoop: @Sendable (Int, Int) -> UInt64 = { n, _ in
            var sum = 0
            let t0 = Harness.now()
            for _ in 0..<n {
                pthread_rwlock_rdlock(rw.lock)
                sum &+= rw.chip.value
                pthread_rwlock_unlock(rw.lock)
            }
            let t1 = Harness.now()
            blackHole(sum)
            return t1 - t0
        }
        let ref = RefcountHolder(BenchChip(42))
        let refLoop: @Sendable (Int, Int) -> UInt64 = { n, _ in
            var sum = 0
            let t0 = Harness.now()
            for _ in 0..<n {
                ref.count.wrappingAdd(1, ordering: .relaxed)
                sum &+= ref.chip.value
                ref.count.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            }
            let t1 = Harness.now()
            blackHole(sum)
            return t1 - t0
        }

        let rev1 = Harness.measure(threads: 1, iterations: n, revocableLoop)
        let rev2 = Harness.measure(threads: twoThreads, iterations: n, revocableLoop)
        let revOwn2 = Harness.measure(threads: twoThreads, iterations: n, ownLoop)
        let plain2 = Harness.measure(threads: twoThreads, iterations: n, plainLoop)
        let plain1 = Harness.measure(threads: 1, iterations: n, plainLoop)
        let mutex1 = Harness.measure(threads: 1, iterations: n / 4, mutexLoop)
        let mutex2 = Harness.measure(threads: twoThreads, iterations: n / 4, mutexLoop)
        let rw1 = Harness.measure(threads: 1, iterations: n / 4, rwLoop)
        let rw2 = Harness.measure(threads: twoThreads, iterations: n / 4, rwLoop)
        let ref1 = Harness.measure(threads: 1, iterations: n / 4, refLoop)
        let ref2 = Harness.measure(threads: twoThreads, iterations: n / 4, refLoop)
        let urcu = URCUBaseline.measure(threads: [1, twoThreads], iterations: n)

        func row(_ name: String, _ s: Sample, _ note: String = "") -> BenchRow {
            BenchRow(name: name, value: s.median, unit: "ns/access", min: s.min, note: note)
        }
        let mode = RevocableDiagnostics.usesMembarrier ? "membarrier mode" : "fence mode"
        report.rows += [
            row("Revocable.withAccess, 1 thread (cross-module)", rev1, mode),
            row("Revocable.withAccess, 2 threads, same revocable", rev2, mode),
            row("Revocable.withAccess, 2 threads, one revocable each", revOwn2, "(info)"),
            row("unprotected load, 1 thread", plain1),
            row("unprotected load, 2 threads", plain2),
            row("Mutex.withLock, 1 thread", mutex1),
            row("Mutex.withLock, 2 threads", mutex2),
            row("pthread_rwlock rdlock+unlock, 1 thread", rw1),
            row("pthread_rwlock rdlock+unlock, 2 threads", rw2),
            row("shared atomic refcount inc+dec, 1 thread", ref1),
            row("shared atomic refcount inc+dec, 2 threads", ref2),
        ]
        switch urcu {
        case .success(let samples):
            if let s = samples[1] { report.rows.append(row("liburcu-memb read_lock+unlock, 1 thread (C, gcc -O2)", s)) }
            if let s = samples[twoThreads] { report.rows.append(row("liburcu-memb read_lock+unlock, 2 threads (C, gcc -O2)", s)) }
        case .failure(let error):
            report.rows.append(BenchRow(name: "liburcu-memb read_lock+unlock", value: .nan, unit: "ns/access",
                                        note: "unavailable: \(error.reason)"))
        }

        // MARK: GPIO toggle, protected vs not
        let chipRev = Revocable(BenchChip(1))
        let bareChip = BenchChip(1)
        let toggleN = n / 20
        let protectedToggle = Harness.measure(threads: 1, iterations: toggleN) { n, _ in
            var sum: UInt64 = 0
            let t0 = Harness.now()
            for i in 0..<n { sum &+= chipRev.withAccess { $0?.toggle(i) ?? 0 } }
            let t1 = Harness.now()
            blackHole(sum)
            return t1 - t0
        }
        let bareToggle = Harness.measure(threads: 1, iterations: toggleN) { n, _ in
            var sum: UInt64 = 0
            let t0 = Harness.now()
            for i in 0..<n { sum &+= bareChip.toggle(i) }
            let t1 = Harness.now()
            blackHole(sum)
            return t1 - t0
        }
        report.rows.append(BenchRow(name: "GPIO toggle (~50 ns work), unprotected", value: bareToggle.median,
                                    unit: "ns/toggle", min: bareToggle.min))
        report.rows.append(BenchRow(name: "GPIO toggle, inside Revocable.withAccess", value: protectedToggle.median,
                                    unit: "ns/toggle", min: protectedToggle.min))

        // MARK: revoke latency
        let idle = revokeLatencyNoReaders(count: 20_000)
        report.rows.append(BenchRow(name: "revoke, no reader inside (accessed before)", value: idle.median, unit: "ns",
                                    min: idle.min, extra: [("p99", idle.percentile(0.99))]))
        if cpus >= 2 {
            let busy = revokeLatencyActiveReader(count: 2_000)
            report.rows.append(BenchRow(name: "revoke, a reader entering/leaving it on the other CPU", value: busy.median,
                                        unit: "ns", min: busy.min, extra: [("p99", busy.percentile(0.99))]))
        }

        // MARK: memory
        let memory = memoryPerRevocable(count: 1_000_000)
        report.rows.append(BenchRow(name: "memory per Revocable<Int> (1,000,000 live, malloc delta)", value: memory.perObject,
                                    unit: "bytes", extra: [("total MiB", memory.totalMiB),
                                                           ("instance malloc_usable_size", memory.usable)]))
        report.rows.append(BenchRow(name: "revoke, no reader inside, 1,000,000 revocables alive", value: memory.revokeAmongMany.median,
                                    unit: "ns", min: memory.revokeAmongMany.min,
                                    extra: [("p99", memory.revokeAmongMany.percentile(0.99))]))

        // MARK: ratios
        func ratio(_ name: String, _ a: Sample, _ b: Sample, _ goal: String) -> (String, Double, Double, String) {
            (name, a.median / b.median, a.min / b.min, goal)
        }
        let none = Sample([.nan])
        let urcuSamples = (try? urcu.get()) ?? [:]
        report.ratios = [
            ratio("Revocable 1 thread / liburcu-memb 1 thread", rev1, urcuSamples[1] ?? none, "<= 1.0"),
            ratio("Revocable 2 threads / Revocable 1 thread", rev2, rev1, "<= 1.2"),
            ratio("pthread_rwlock 2 threads / Revocable 2 threads", rw2, rev2, ">= 5"),
            ratio("Mutex 2 threads / Revocable 2 threads", mutex2, rev2, "(info)"),
            ratio("atomic refcount 2 threads / Revocable 2 threads", ref2, rev2, "(info)"),
            ratio("liburcu-memb 2 threads / Revocable 2 threads", urcuSamples[twoThreads] ?? none, rev2, "(info)"),
            ratio("Revocable 1 thread / unprotected load", rev1, plain1, "(info)"),
            ratio("protected toggle / unprotected toggle", protectedToggle, bareToggle, "<= 1.1"),
            ("revoke with no reader: median ns, min ns", idle.median, idle.min, "median <= 1000"),
            ("memory per revocable, bytes", memory.perObject, memory.perObject, "<= 64"),
        ]
        report.notes = [
            "every Revocable figure is cross-module: this executable calls the Revocable module's @inlinable fast path",
            "\(cpus) CPUs; threads pinned to CPU 0 and 1; \(Harness.repetitions) repetitions after a warm-up; value = median, (min) = best",
            "reader mode: \(mode); readers registered: \(RevocableDiagnostics.readerRecords)",
        ]
        return report
    }

    /// Each revoke timed alone, on a revocable this thread read before (so the full path runs:
    /// fence close, membarrier, registry scan, teardown).
    static func revokeLatencyNoReaders(count: Int) -> Sample {
        let result = UnsafeMutablePointer<Sample>.allocate(capacity: 1)
        defer { result.deallocate() }
        let out = UnsafeSendable(result)
        _ = Harness.onPinnedThreads(1) { _ in
            let revs = (0..<count).map { Revocable(BenchChip($0)) }
            var sink = 0
            for r in revs { sink &+= r.withAccess { $0?.value ?? 0 } }
            blackHole(sink)
            var latencies: [Double] = []
            latencies.reserveCapacity(count)
            for r in revs {
                let t0 = Harness.now()
                _ = try? r.revoke()
                latencies.append(Double(Harness.now() - t0))
            }
            out.pointer.initialize(to: Sample(latencies))
            return 0
        }
        return result.move()
    }

    /// A reader on CPU 1 keeps entering and leaving the revocable being revoked on CPU 0.
    static func revokeLatencyActiveReader(count: Int) -> Sample {
        let revs = (0..<count).map { Revocable(BenchChip($0)) }
        let current = Atomic<Int>(0)
        let seen = Atomic<Int>(-1)
        let stop = Atomic<Bool>(false)
        let result = UnsafeMutablePointer<Sample>.allocate(capacity: 1)
        defer { result.deallocate() }
        let out = UnsafeSendable(result)
        _ = Harness.onPinnedThreads(2) { index in
            if index == 1 {
                var sink = 0
                while !stop.load(ordering: .relaxed) {
                    let i = current.load(ordering: .acquiring)
                    sink &+= revs[i].withAccess { $0?.value ?? 0 }
                    seen.store(i, ordering: .releasing)
                }
                blackHole(sink)
                return 0
            }
            var latencies: [Double] = []
            latencies.reserveCapacity(count)
            for i in 0..<count {
                current.store(i, ordering: .releasing)
                while seen.load(ordering: .acquiring) != i { dm_cpu_relax() }
                let t0 = Harness.now()
                _ = try? revs[i].revoke()
                latencies.append(Double(Harness.now() - t0))
            }
            stop.store(true, ordering: .relaxed)
            out.pointer.initialize(to: Sample(latencies))
            return 0
        }
        return result.move()
    }

    /// malloc's own accounting before and after creating `count` revocables (the array that
    /// holds them is allocated first and not counted).
    /// Also times revokes while all of them are alive, to show that a revoke's cost does not
    /// grow with the number of other revocables.
    static func memoryPerRevocable(count: Int) -> (perObject: Double, totalMiB: Double, usable: Double,
                                                   revokeAmongMany: Sample) {
        var holder: [Revocable<Int>] = []
        holder.reserveCapacity(count)
        let before = dm_malloc_in_use()
        for i in 0..<count { holder.append(Revocable(i)) }
        let after = dm_malloc_in_use()
        let usable = Double(dm_malloc_usable_size(Unmanaged.passUnretained(holder[0]).toOpaque()))
        let total = Double(after &- before)
        var sum = 0
        for i in stride(from: 0, to: count, by: 100) { sum &+= holder[i].withAccess { $0 ?? 0 } }
        blackHole(sum)
        var latencies: [Double] = []
        for i in stride(from: 0, to: count, by: 100) {
            let t0 = Harness.now()
            _ = try? holder[i].revoke()
            latencies.append(Double(Harness.now() - t0))
        }
        blackHole(holder)
        return (total / Double(count), total / 1_048_576, usable, Sample(latencies))
    }
}
