import DriverCore
import Instrumentation
import Revocable
import Sanitizer
import Testing
@testable import ExplorerEngine

/// Deliberately broken copies of the core's primitives, each explored beside the real one:
/// the explorer must find a schedule where the sanitizer reports the right kind, and the real
/// design must give no finding in any schedule (issue 7, "proof that the tools work").
@Suite struct BrokenCoreExplorerTests {
    /// The sanitizer's findings of one execution as its verdict (kinds only, so that equal
    /// bugs in different schedules count as one failure).
    static func verdict(_ sanitizer: Sanitizer) -> Verdict {
        let kinds = Set(sanitizer.finish().map(\.kind.rawValue)).sorted()
        return Verdict(failures: kinds.map { "sanitizer: \($0)" }, outcome: kinds.joined(separator: ","))
    }

    static func kinds(_ r: ExplorationResult) -> Set<String> {
        Set(r.failures.flatMap(\.reasons))
    }

    // MARK: A fence whose synchronize returns at once

    /// Announces enter, exit and synchronize like ``Revocable/Revocable``, but revoke does not
    /// wait for the readers inside.
    final class BrokenFence<Resource: Sendable>: @unchecked Sendable {
        let id = ObjectID.next()
        private let resource: Resource
        private let revoked = Locked(false)

        init(_ resource: Resource) { self.resource = resource }

        func withAccess(_ body: (Resource?) -> Void) {
            Scheduling.point(.fenceEnter(id, name: "broken"))
            Scheduling.touch(id)
            body(revoked.withLock { $0 } ? nil : resource)
            Scheduling.point(.fenceExit(id, name: "broken"))
        }

        /// The bug: the fence closes, and revoke returns with readers still inside.
        func revoke() {
            Scheduling.point(.synchronize(id, name: "broken"))
            Scheduling.touch(id)
            revoked.withLock { $0 = true }
        }
    }

    static func fenceProgram(broken: Bool) -> ExplorationProgram {
        .custom(name: "fence-\(broken ? "broken" : "real")", actors: ["reader", "admin"]) {
            let kernel = Kernel()
            let sanitizer = Sanitizer(attachingTo: kernel)
            let memory = ModelMemory(0, name: "driver data", events: kernel.events)
            let real = Revocable(memory, name: "chip", events: kernel.events)
            let fake = BrokenFence(memory)
            // The driver works inside the section before it touches its data.
            let read: @Sendable (ModelMemory<Int>?) -> Void = { m in
                Scheduling.point(.step("driver works"))
                _ = try? m?.read { $0 }
            }
            return CustomExecution(actors: [
                { if broken { fake.withAccess(read) } else { real.withAccess(read) } },
                {
                    if broken { fake.revoke() } else { _ = try? real.revoke() }
                    try? memory.free()  // the driver's data goes once revoke returned
                },
            ], check: { verdict(sanitizer) })
        }
    }

    @Test(arguments: BrokenCdevExplorerTests.strategies)
    func aFenceThatDoesNotWaitLetsAReaderUseFreedMemory(_ strategy: ExplorationStrategy) {
        let r = Explorer(program: Self.fenceProgram(broken: true)).explore(strategy: strategy)
        #expect(Self.kinds(r) == ["sanitizer: use-after-free"], "\(r.report)")
        #expect(r.failures.allSatisfy { $0.reproduced })
        let real = Explorer(program: Self.fenceProgram(broken: false)).explore(strategy: strategy)
        #expect(real.failures.isEmpty, "\(real.report)")
        #expect(real.executions > 1)
    }

    // MARK: A refcount whose final put skips the release

    /// Announces gets and puts like ``DriverCore/Device``; at zero it does not release.
    final class BrokenRefcount: @unchecked Sendable {
        let id = ObjectID.next()
        let events: EventStream
        private let count = Locked(1)

        init(events: EventStream) {
            self.events = events
            events.emit(.deviceInitialize, object: id, name: "obj", detail: "ref=1")
        }

        /// Setup only (no scheduling point).
        func get() {
            let n = count.withLock { c -> Int in
                c += 1
                return c
            }
            events.emit(.get, object: id, name: "obj", detail: "ref=\(n)")
        }

        func put() {
            Scheduling.point(.refPut(id, name: "obj"))
            let n = count.withLock { c -> Int in
                c -= 1
                return c
            }
            events.emit(.put, object: id, name: "obj", detail: "ref=\(n)")
        }
    }

    static func refcountProgram(broken: Bool) -> ExplorationProgram {
        .custom(name: "refcount-\(broken ? "broken" : "real")", actors: ["user", "owner"]) { () -> CustomExecution in
            let kernel = Kernel()
            let sanitizer = Sanitizer(attachingTo: kernel)
            // The user's reference is taken before the race starts; each side drops its own.
            if broken {
                let fake = BrokenRefcount(events: kernel.events)
                fake.get()
                return CustomExecution(actors: [{ fake.put() }, { fake.put() }], check: { verdict(sanitizer) })
            }
            let real = Device(kernel: kernel, name: "obj") { _ in }
            _ = try? real.get()
            return CustomExecution(actors: [{ try? real.put() }, { try? real.put() }], check: { verdict(sanitizer) })
        }
    }

    @Test(arguments: BrokenCdevExplorerTests.strategies)
    func aPutThatSkipsReleaseIsReported(_ strategy: ExplorationStrategy) {
        let r = Explorer(program: Self.refcountProgram(broken: true)).explore(strategy: strategy)
        #expect(Self.kinds(r).contains("sanitizer: release-never-ran"), "\(r.report)")
        let real = Explorer(program: Self.refcountProgram(broken: false)).explore(strategy: strategy)
        #expect(real.failures.isEmpty, "\(real.report)")
    }

    // MARK: Unbind holding the device lock across synchronize

    /// The reader's file operation takes the device lock inside the fence (as a sysfs-style
    /// handler would); an unbind that holds that lock while it revokes waits for the reader,
    /// which waits for the lock. The real unbind revokes after dropping the lock.
    static func unbindProgram(holdingLock: Bool) -> ExplorationProgram {
        .custom(name: "unbind-\(holdingLock ? "holding" : "released")", actors: ["reader", "admin"]) {
            let kernel = Kernel()
            let sanitizer = Sanitizer(attachingTo: kernel)
            let lock = ModelLock(class: "device", name: "gpio-sim.0", events: kernel.events)
            let chip = Revocable(1, name: "gpiochip0", events: kernel.events)
            return CustomExecution(actors: [
                { chip.withAccess { _ in lock.lock(); lock.unlock() } },
                {
                    lock.lock()
                    if holdingLock { _ = try? chip.revoke() }
                    lock.unlock()
                    if !holdingLock { _ = try? chip.revoke() }
                },
            ], check: { verdict(sanitizer) })
        }
    }

    @Test(arguments: BrokenCdevExplorerTests.strategies)
    func unbindHoldingTheDeviceLockAcrossSynchronizeDeadlocks(_ strategy: ExplorationStrategy) throws {
        let r = Explorer(program: Self.unbindProgram(holdingLock: true)).explore(strategy: strategy)
        let text = r.failures.flatMap(\.reasons).joined(separator: "\n")
        #expect(text.contains("admin waits in synchronize(fence gpiochip0) for readers {reader}"), "\(text)")
        #expect(text.contains("reader waits for mutex gpio-sim.0 held by admin"), "\(text)")
        let real = Explorer(program: Self.unbindProgram(holdingLock: false)).explore(strategy: strategy)
        #expect(real.failures.isEmpty, "\(real.report)")
    }
}
