import Foundation
import Testing
@testable import Instrumentation

/// A controller that records scheduling points and never parks: enough to prove that the
/// primitives announce what they do, in order, on the thread that installed it only.
final class RecordingController: ExecutionController {
    let log = Locked<[String]>([])
    func schedulingPoint(_ operation: SchedulingOperation, site: CallSite) { log.withLock { $0.append(operation.description) } }
    func block(on target: WaitTarget, site: CallSite) { log.withLock { $0.append("block \(target)") } }
    func notify(_ target: WaitTarget) { log.withLock { $0.append("notify \(target)") } }
}

@Suite struct SchedulingPointTests {
    @Test func lockAnnouncesAcquireAndReleaseOnlyOnControlledThread() {
        let lock = ModelLock(class: "test", name: "L")
        let controller = RecordingController()
        lock.withLock {}  // no controller: nothing recorded
        Scheduling.withController(controller) {
            lock.withLock {}
        }
        let log = controller.log.withLock { $0 }
        #expect(log.first == "lock(L)")
        #expect(log.contains("unlock(L)"))
        #expect(log.count == 3)  // lock, unlock, notify
        #expect(Scheduling.current == nil)
    }

    @Test func lockEventsCarryTheLockClass() {
        let stream = EventStream()
        let recorder = EventRecorder()
        stream.attach(recorder)
        let lock = ModelLock(class: "device", name: "dev0", events: stream)
        lock.withLock {}
        #expect(recorder.events.map(\.kind) == [.lockAcquire, .lockRelease])
        #expect(recorder.events.allSatisfy { $0.detail == "device" })
    }

    @Test func lockEventsNameTheCallersLine() {
        let stream = EventStream()
        let recorder = EventRecorder()
        stream.attach(recorder)
        let lock = ModelLock(class: "device", name: "dev0", events: stream)
        let line: UInt = #line + 1
        lock.withLock {}
        #expect(recorder.events.allSatisfy { $0.site.line == line })
        #expect(recorder.events.allSatisfy { $0.site.fileID.description.hasSuffix("SchedulingPointTests.swift") })
    }

    @Test func ownerIsTrackedWhileHeld() {
        let lock = ModelLock(class: "test", name: "L")
        #expect(lock.owner == nil)
        lock.withLock {
            #expect(lock.isHeldByCurrentThread)
            #expect(lock.owner == currentThreadID())
        }
        #expect(lock.owner == nil)
    }

    @Test func waitQueueWakesSleeper() {
        let lock = ModelLock(class: "test", name: "L")
        let queue = WaitQueue(name: "Q")
        let flag = Locked(false)
        let woke = DispatchSemaphore(value: 0)
        // A thread, not a task: the sleeper blocks in a condition wait.
        Thread {
            lock.withLock {
                queue.wait(until: { flag.withLock { $0 } }, holding: lock)
            }
            woke.signal()
        }.start()
        // Wake only a sleeper that really sleeps: the point of the test is the wake-up.
        while queue.sleepers == 0 { sched_yield() }  // waits on the queue's own state
        #expect(queue.sleepers == 1)
        lock.withLock { flag.withLock { $0 = true } }
        queue.wakeAll()
        // A hang guard only.
        #expect(woke.wait(timeout: .now() + 60) == .success)
        #expect(queue.sleepers == 0)
        #expect(flag.withLock { $0 })
    }

    @Test func timedWaitGivesUp() {
        let lock = ModelLock(class: "test", name: "L")
        let queue = WaitQueue(name: "Q")
        let ok = lock.withLock { queue.wait(until: { false }, holding: lock, timeoutNanoseconds: 2_000_000) }
        #expect(!ok)
    }
}
