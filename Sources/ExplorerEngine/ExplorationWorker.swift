import CShim
import Instrumentation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One exploring thread with its actor pool, both pinned to one CPU: runs executions one
/// after another, replacing pool workers that an ended execution killed and the whole pool
/// when a thread got stuck outside the model.
final class ExplorationWorker {
    let program: ExplorationProgram
    let progressBudget: Int
    let timeoutSeconds: Double
    let options: ExplorationOptions
    let cpu: Int?
    private var pool: ActorPool

    private init(program: ExplorationProgram, progressBudget: Int, timeoutSeconds: Double, options: ExplorationOptions,
                 cpu: Int?) {
        self.program = program
        self.options = options
        self.progressBudget = progressBudget
        self.timeoutSeconds = timeoutSeconds
        self.cpu = cpu
        pool = ActorPool(size: program.actorNames.count, cpu: cpu)
    }

    /// Runs `body` on `count` new threads, each with a worker of its own (pinned to CPUs
    /// handed out round robin when `pinned`), waits for all and returns their results in
    /// order. The pools' threads end before this returns.
    static func run<R: Sendable>(count: Int, program: ExplorationProgram, progressBudget: Int, timeoutSeconds: Double,
                                 options: ExplorationOptions, pinned: Bool,
                                 _ body: @escaping @Sendable (ExplorationWorker, Int) -> R) -> [R] {
        let results = Locked<[Int: R]>([:])
        let threads = (0..<count).map { index in
            let cpu = pinned ? nextCPU() : nil
            return PinnedThread.start(cpu: cpu) {
                let worker = ExplorationWorker(program: program, progressBudget: progressBudget,
                                               timeoutSeconds: timeoutSeconds, options: options, cpu: cpu)
                let r = body(worker, index)
                worker.pool.shutDown(joining: true)
                results.withLock { $0[index] = r }
            }
        }
        for t in threads { pthread_join(t, nil) }
        return results.withLock { r in (0..<count).map { r[$0]! } }
    }

    /// One execution under `chooser`; `direct`: the program's actors one after another on the
    /// calling thread instead (see ``Serializer/runDirect(bodies:)``; the chooser is unused).
    func execute(_ chooser: ScheduleChooser, recordingTransitions: Bool = false, tracing: Bool = false,
                 direct: Bool = false) -> Execution {
        let serializer = Serializer(names: program.actorNames, chooser: chooser, progressBudget: progressBudget, pool: pool,
                                    recordsTransitions: recordingTransitions, delaysReleases: options.delayReleases,
                                    // The reduction's backtracking assumes the full transition system.
                                    symmetry: recordingTransitions || !options.identicalActorsOnce ? [] : program.symmetry,
                                    startsLazily: program.startsLazily)
        let prepared = program.prepare(serializer, ExecutionSetup(options: options, tracing: tracing))
        var report = Serializer.RunReport(exited: [], stuck: false)
        if direct {
            serializer.runDirect(bodies: prepared.bodies)
        } else {
            report = serializer.run(timeoutSeconds: timeoutSeconds, bodies: prepared.bodies)
        }
        serializer.runDeferredReleases()
        if report.stuck {
            pool.shutDown(joining: false)
            pool = ActorPool(size: program.actorNames.count, cpu: cpu)
        } else if !report.exited.isEmpty {
            pool.replaceExited(report.exited)
        }
        var verdict = prepared.verdict(serializer.ending)
        if let busy = serializer.busyWait { verdict.failures.append(busy) }
        return Execution(decisions: serializer.decisions, transitions: serializer.transitions, verdict: verdict,
                         trace: tracing ? prepared.trace() : nil)
    }

    /// The CPU for the next worker: round robin over the CPUs this process may use, so
    /// explorations running side by side (parallel tests, parallel workers) spread out.
    static func nextCPU() -> Int {
        (firstCPU + cpuCounter.add(1, ordering: .relaxed).oldValue) % max(1, Int(dm_online_cpus()))
    }
}

/// Keeps glibc from giving heap memory back after every execution: each execution builds
/// and drops a whole board, so the default trimming grows and shrinks the worker threads'
/// heaps (mprotect) over and over — 10% of an execution of the canonical scenario. Process
/// wide, so executables call it (`devmodel explore`, the benchmark), not the library.
public enum ExplorerMemoryTuning {
    public static func apply() {
        dm_malloc_retain_heap(256 << 20, 64 << 20)
    }
}

/// One execution's schedule and what it showed.
struct Execution: Sendable {
    var decisions: [Decision]
    var transitions: [Transition]
    var verdict: Verdict
    var trace: (any Sendable)?

    var preemptions: Int { decisions.count { $0.isPreemption } }
}

private let cpuCounter = Atomic<Int>(0)
/// Where the round robin starts: the CPU the process was first seen on. The kernel starts a
/// new process on a quiet CPU, so two explorations in two processes (or one beside a build
/// pinned elsewhere) do not both pin to CPU 0 — which halved each one's rate.
private let firstCPU = Int(dm_current_cpu())

/// A joinable thread running one closure, pinned first when a CPU is given.
enum PinnedThread {
    private final class Body {
        let cpu: Int?
        let run: () -> Void
        init(cpu: Int?, _ run: @escaping () -> Void) {
            self.cpu = cpu
            self.run = run
        }
    }

    static func start(cpu: Int?, _ body: @escaping @Sendable () -> Void) -> pthread_t {
        let context = Unmanaged.passRetained(Body(cpu: cpu, body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let body = Unmanaged<Body>.fromOpaque(raw).takeRetainedValue()
            if let cpu = body.cpu { _ = dm_pin_to_cpu(Int32(cpu)) }
            body.run()
            return nil
        }, context)
        // Out of threads: nothing sane to do, and hanging would be worse.
        guard rc == 0 else { fatalError("explorer: pthread_create failed (\(rc))") }
        return thread
    }
}
