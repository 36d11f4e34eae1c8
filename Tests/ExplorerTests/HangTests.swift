import Instrumentation
import Testing
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
