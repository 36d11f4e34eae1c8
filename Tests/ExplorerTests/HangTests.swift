import Dispatch
import Instrumentation
import Revocable
import ScenarioModel
import Testing
@testable import ExplorerEngine
@testable import Explorer

/// Hangs built with the Swift API: named wait-for cycles and lost wake-ups.
@Suite struct HangTests {
    /// a takes x then y; b takes y then x.
    static let abba = ExplorationProgram.custom(name: "abba", actors: ["a", "b"]) {
        let x = ModelLock(class: "test.x", name: "x")
        let y = ModelLock(class: "test.y", name: "y")
        return CustomExecution(actors: [
            { x.lock(); y.lock(); y.unlock(); x.unlock() },
            { y.lock(); x.lock(); x.unlock(); y.unlock() },
        ])
    }

    @Test func theDeadlockCycleIsNamed() throws {
        let explorer = Explorer(program: Self.abba)
        let r = explorer.explore(strategy: .preemptionBounded(maxPreemptions: 2))
        let first = try #require(r.failures.first)
        let text = first.reasons.joined()
        #expect(text.contains("deadlock, wait-for cycle"))
        #expect(text.contains("a waits for mutex y held by b"))
        #expect(text.contains("b waits for mutex x held by a"))
        #expect(first.preemptions == 1)
        #expect(first.reproduced)
        #expect(r.failures.count == 1)
        // Schedules without the deadlock run too.
        #expect(r.outcomes[""] != nil)
    }

    @Test func aSleeperNobodyWakesIsALostWakeUp() throws {
        let program = ExplorationProgram.custom(name: "lost", actors: ["sleeper", "other"]) {
            let lock = ModelLock(class: "test.q", name: "q.lock")
            let queue = WaitQueue(name: "q")
            return CustomExecution(actors: [
                { lock.lock(); queue.wait(until: { false }, holding: lock); lock.unlock() },
                { Scheduling.point(.step("other works")) },
            ])
        }
        let r = Explorer(program: program).explore(strategy: .preemptionBounded(maxPreemptions: 1))
        #expect(r.failingExecutions == r.executions)
        let text = try #require(r.failures.first).reasons.joined()
        #expect(text.contains("lost wake-up: sleeper waits on wait queue q and nobody can signal it"))
    }
}

/// A fence and a mutex taken in opposite orders, a spinning actor, and nothing at all.
@Suite struct MoreHangTests {
    @Test(arguments: BrokenCdevExplorerTests.strategies)
    func synchronizeWaitingForAReaderThatWaitsForTheRevokersMutexIsACycle(_ strategy: ExplorationStrategy) throws {
        let program = ExplorationProgram.custom(name: "fence-mutex", actors: ["admin", "reader"]) {
            let chip = Revocable(1, name: "gpiochip0")
            let lock = ModelLock(class: "test.chip", name: "chip.lock")
            return CustomExecution(actors: [
                { lock.lock(); _ = try? chip.revoke(); lock.unlock() },
                { chip.withAccess { _ in lock.lock(); lock.unlock() } },
            ])
        }
        let r = Explorer(program: program).explore(strategy: strategy)
        let text = try #require(r.failures.first).reasons.joined()
        #expect(text.contains("deadlock, wait-for cycle admin → reader → admin"), "\(text)")
        #expect(text.contains("admin waits in synchronize(fence gpiochip0) for readers {reader}"), "\(text)")
        #expect(text.contains("reader waits for mutex chip.lock held by admin"), "\(text)")
    }

    @Test func anActorThatNeverProgressesIsALivelock() throws {
        let program = ExplorationProgram.custom(name: "spin", actors: ["spinner"]) {
            CustomExecution(actors: [{ while true { Scheduling.point(.step("spin")) } }])
        }
        var explorer = Explorer(program: program)
        explorer.progressBudget = 200
        let r = explorer.explore(strategy: .exhaustive(reduction: false))
        #expect(r.executions == 1)
        let text = try #require(r.failures.first).reasons.joined()
        #expect(text.contains("livelock: no step finished in 200 scheduling decisions: spinner keep re-checking"), "\(text)")
    }

    /// CHESS's fairness: a thread spinning on another's progress yields after a tenth of the
    /// budget (no preemption spent), so the execution completes — and the spin is reported.
    @Test func aSpinOnAnotherThreadIsABusyWaitNotALivelock() throws {
        let program = ExplorationProgram.custom(name: "busy", actors: ["spinner", "setter"]) {
            let flag = Locked(false)
            let spins = Locked(0)
            return CustomExecution(actors: [
                { while !flag.withLock({ $0 }) { spins.withLock { $0 += 1 }; Scheduling.point(.step("spin")) } },
                { Scheduling.point(.step("set")); flag.withLock { $0 = true } },
            ], check: { Verdict(failures: [], outcome: spins.withLock { $0 } > 0 ? "spun" : "no spin") })
        }
        var explorer = Explorer(program: program)
        explorer.progressBudget = 200
        let r = explorer.explore(strategy: .preemptionBounded(maxPreemptions: 0))
        let text = r.failures.flatMap(\.reasons).joined(separator: "\n")
        #expect(!text.contains("livelock"), "\(text)")
        #expect(text.contains("busy wait: spinner ran 20 scheduling decisions without finishing a step while setter could run"),
                "\(text)")
        #expect(r.failures.allSatisfy { $0.preemptions == 0 })
    }

    @Test func aScenarioWithoutActorsRunsOnce() {
        let r = Explorer(scenario: Scenario(name: "empty")).explore()
        #expect(r.executions == 1)
        #expect(r.failures.isEmpty)
    }
}

/// The watchdog: a thread blocked outside the model's primitives.
@Suite struct WatchdogTests {
    @Test func aThreadStuckOutsideTheModelIsReportedAndNotJoined() throws {
        let release = DispatchSemaphore(value: 0)
        let program = ExplorationProgram.custom(name: "stuck", actors: ["worker", "stuck"]) {
            CustomExecution(actors: [{ Scheduling.point(.step("work")) }, { release.wait() }])
        }
        var explorer = Explorer(program: program)
        explorer.executionTimeoutSeconds = 0.2
        let r = explorer.explore(strategy: .exhaustive(reduction: false))
        // One stuck thread for the execution, one for the replay that checks it: both end now.
        release.signal()
        release.signal()
        #expect(r.executions == 1)
        let first = try #require(r.failures.first)
        #expect(first.reproduced)
        let text = first.reasons.joined()
        #expect(text.contains("stuck neither reached a scheduling point nor finished within 0.2 s"), "\(text)")
    }
}

/// PCT finds the lock inversion (depth 2) and prints its bound.
@Suite struct PCTTests {
    @Test func pctFindsTheInversionAndStatesItsBound() throws {
        let e = Explorer(program: HangTests.abba)
        let r = e.explore(strategy: .pct(depth: 2, seed: 11, executions: 60))
        #expect(r.executions == 60)
        #expect(r.failingExecutions > 0)
        let note = try #require(r.note)
        #expect(note.hasPrefix("PCT depth 2: each execution finds a bug of depth 2 with probability ≥ 1/"), "\(note)")
        let first = try #require(r.failures.first)
        #expect(first.replay.contains(":pct2s11:"))
        #expect(first.reproduced)
        let again = e.explore(strategy: .pct(depth: 2, seed: 11, executions: 60))
        #expect(again.failingExecutions == r.failingExecutions)
        #expect(again.outcomes == r.outcomes)
        print(note)
    }
}

/// An execution leaves nothing behind: its serializer, and whatever the actors' closures
/// captured, are freed once it is judged (they used to form a cycle through the serializer's
/// bodies, and every explored scenario kept its whole board: 24 KB per execution).
@Suite struct ExecutionMemoryTests {
    final class Weak: @unchecked Sendable {
        weak var object: AnyObject?
        init(_ object: AnyObject) { self.object = object }
    }

    @Test func executionsAreFreedAfterTheirVerdict() {
        let kept = Locked<[Weak]>([])
        let program = ExplorationProgram.custom(name: "freed", actors: ["a", "b"]) {
            // What a step environment does: the actors reach the serializer running them.
            let controller = Locked<(any ExecutionController)?>(nil)
            kept.withLock { $0.append(Weak(controller)) }
            return CustomExecution(actors: [
                { controller.withLock { $0 = Scheduling.current }; Scheduling.point(.step("a")) },
                { Scheduling.point(.step("b")) },
            ])
        }
        let r = Explorer(program: program).explore(strategy: .preemptionBounded(maxPreemptions: 1))
        #expect(r.executions > 1)
        let alive = kept.withLock { $0.filter { $0.object != nil }.count }
        #expect(alive == 0, "\(alive) of \(r.executions) executions still alive")
    }
}

/// Progress on long runs: one report per `progressInterval` executions, never going backwards.
@Suite struct ProgressTests {
    @Test func progressIsReportedEveryIntervalExecutions() {
        let program = ExplorationProgram.custom(name: "progress", actors: ["a", "b"]) {
            CustomExecution(actors: [{ Scheduling.point(.step("a1")); Scheduling.point(.step("a2")) },
                                     { Scheduling.point(.step("b1")); Scheduling.point(.step("b2")) }])
        }
        let seen = Locked<[Int]>([])
        var explorer = Explorer(program: program)
        explorer.workers = 2
        explorer.progressInterval = 2
        explorer.progress = { p in seen.withLock { $0.append(p.executions) } }
        let r = explorer.explore(strategy: .exhaustive(reduction: false))
        #expect(r.executions == 6)  // C(4, 2)
        let reports = seen.withLock { $0 }
        #expect(reports.count == 3)
        #expect(reports == reports.sorted())
        #expect(reports.allSatisfy { $0 >= 2 && $0 <= 6 })
    }
}
