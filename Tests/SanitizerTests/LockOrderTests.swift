import DriverCore
import Instrumentation
import Sanitizer
import Testing

@Suite("lockdep-style order graph over lock classes")
struct LockOrderTests {
    @Test("A then B, later B then A, on one thread: an inversion naming both orders' sites")
    func inversion() throws {
        let f = try SanitizerFixture()
        let a = ModelLock(class: "chip.lock", name: "chip0", events: f.kernel.events)
        let b = ModelLock(class: "file.lock", name: "file0", events: f.kernel.events)
        let aFirst = #line + 1
        a.lock(site: CallSite())  // explicit: ModelLock's default site names ModelLock.swift
        let bSecond = #line + 1
        b.lock(site: CallSite())
        b.unlock(); a.unlock()
        #expect(f.sanitizer.findings.isEmpty, "one order alone is fine")
        let bFirst = #line + 1
        b.lock(site: CallSite())
        let aSecond = #line + 1
        a.lock(site: CallSite())
        a.unlock(); b.unlock()
        let found = f.findings(.lockOrderInversion)
        try #require(found.count == 1)
        let finding = found[0]
        #expect(isSite(finding.access.site, line: aSecond))
        #expect(finding.message.contains("taken at SanitizerTests/LockOrderTests.swift:\(bFirst)"))
        #expect(finding.acquired.contains { isSite($0.site, line: aFirst) })
        #expect(finding.acquired.contains { isSite($0.site, line: bSecond) })
        #expect(finding.render().contains("Other order acquired at:"))
    }

    @Test("the two orders on two different threads are still one inversion, reported once")
    func inversionAcrossThreads() throws {
        let f = try SanitizerFixture()
        let a = ModelLock(class: "A", name: "a", events: f.kernel.events)
        let b = ModelLock(class: "B", name: "b", events: f.kernel.events)
        onOtherThread { a.withLock { b.withLock {} } }
        for _ in 0..<3 { b.withLock { a.withLock {} } }
        #expect(f.findings(.lockOrderInversion).count == 1)
    }

    @Test("a longer cycle A→B, B→C, C→A is found when it closes")
    func threeClassCycle() throws {
        let f = try SanitizerFixture()
        let locks = ["A", "B", "C"].map { ModelLock(class: $0, name: $0.lowercased(), events: f.kernel.events) }
        locks[0].withLock { locks[1].withLock {} }
        locks[1].withLock { locks[2].withLock {} }
        #expect(f.sanitizer.findings.isEmpty)
        locks[2].withLock { locks[0].withLock {} }
        let found = f.findings(.lockOrderInversion)
        try #require(found.count == 1)
        #expect(found[0].acquired.count == 4, "two edges of the other order, two sites each")
    }

    @Test("a consistent order and same-class nesting (parent and child device locks) give nothing")
    func consistentOrder() throws {
        let f = try SanitizerFixture()
        let parent = ModelLock(class: "device", name: "parent", events: f.kernel.events)
        let child = ModelLock(class: "device", name: "child", events: f.kernel.events)
        let sub = ModelLock(class: "subsys", name: "subsys", events: f.kernel.events)
        for _ in 0..<2 {
            parent.withLock { child.withLock { sub.withLock {} } }
            child.withLock { parent.withLock {} }
        }
        #expect(f.sanitizer.finish().isEmpty, "\(f.sanitizer.report())")
    }
}
