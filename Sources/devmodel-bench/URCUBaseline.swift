import Foundation

/// liburcu-memb's read side, measured by a small C program compiled at run time with gcc and
/// `_LGPL_SOURCE` (inlined fast paths, as a C user of liburcu gets them), when the headers and
/// library are installed (`apt-get install liburcu-dev`). Nothing in the package links liburcu:
/// without it this baseline reports "n/a" and everything else still runs.
enum URCUBaseline {
    /// Median and min ns per read_lock + dereference + one field read + read_unlock, per thread
    /// count, or the reason it is unavailable.
    static func measure(threads: [Int], iterations: Int) -> Result<[Int: Sample], BaselineUnavailable> {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("devmodel-bench-urcu-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let source = dir.appendingPathComponent("urcu_memb_bench.c")
            try cSource.write(to: source, atomically: true, encoding: .utf8)
            let binary = dir.appendingPathComponent("urcu_memb_bench")
            let (status, output) = run("/usr/bin/env", ["gcc", "-O2", "-o", binary.path, source.path,
                                                        "-lurcu-memb", "-lpthread"])
            guard status == 0 else {
                return .failure(BaselineUnavailable(reason: "gcc could not build against liburcu-memb: "
                    + output.split(separator: "\n").prefix(1).joined()))
            }
            var samples: [Int: Sample] = [:]
            for n in threads {
                let (status, output) = run(binary.path, [String(n), String(iterations), String(Harness.repetitions)])
                let values = output.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Double($0) }
                guard status == 0, !values.isEmpty else {
                    return .failure(BaselineUnavailable(reason: "urcu harness failed: \(output)"))
                }
                samples[n] = Sample(values)
            }
            return .success(samples)
        } catch {
            return .failure(BaselineUnavailable(reason: "\(error)"))
        }
    }

    struct BaselineUnavailable: Error { let reason: String }

    private static func run(_ path: String, _ arguments: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Same method as the Swift rows: pinned threads released together, a warm-up, then one
    /// mean ns/op (over the threads) per repetition.
    private static let cSource = #"""
    #define _GNU_SOURCE
    #define _LGPL_SOURCE
    #include <urcu/urcu-memb.h>
    #include <pthread.h>
    #include <sched.h>
    #include <stdint.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <time.h>

    struct chip { long value; };
    static struct chip *shared;
    static long iterations;
    static int nthreads;
    static int ready;
    static double results[64];
    static volatile long sink;

    static uint64_t now(void) {
        struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    }

    static void *worker(void *arg) {
        int index = (int)(long)arg;
        cpu_set_t set; CPU_ZERO(&set); CPU_SET(index % 2 == 0 ? 0 : 1, &set);
        pthread_setaffinity_np(pthread_self(), sizeof set, &set);
        urcu_memb_register_thread();
        __atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&ready, __ATOMIC_ACQUIRE) < nthreads) sched_yield();
        long sum = 0;
        uint64_t t0 = now();
        for (long i = 0; i < iterations; i++) {
            urcu_memb_read_lock();
            struct chip *c = rcu_dereference(shared);
            sum += c->value;
            urcu_memb_read_unlock();
        }
        uint64_t t1 = now();
        sink = sum;
        results[index] = (double)(t1 - t0) / (double)iterations;
        urcu_memb_unregister_thread();
        return 0;
    }

    static double round_once(void) {
        pthread_t t[64];
        ready = 0;
        for (int i = 0; i < nthreads; i++) pthread_create(&t[i], 0, worker, (void *)(long)i);
        double total = 0;
        for (int i = 0; i < nthreads; i++) { pthread_join(t[i], 0); total += results[i]; }
        return total / nthreads;
    }

    int main(int argc, char **argv) {
        if (argc < 4) return 2;
        nthreads = atoi(argv[1]);
        long full = atol(argv[2]);
        int reps = atoi(argv[3]);
        if (nthreads < 1 || nthreads > 64) return 2;
        shared = malloc(sizeof *shared);
        shared->value = 42;
        iterations = full / 10;
        (void)round_once();
        iterations = full;
        for (int r = 0; r < reps; r++) printf("%f ", round_once());
        printf("\n");
        return 0;
    }
    """#
}
