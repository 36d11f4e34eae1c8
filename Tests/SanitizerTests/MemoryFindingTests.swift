import DriverCore
import Instrumentation
import Sanitizer
import Testing

@Suite("memory: use after free after unbind, double free, leaks")
struct MemoryFindingTests {
    @Test("devres memory read after unbind: use-after-unbind naming the allocation and the unbind")
    func readAfterUnbind() throws {
        let f = try SanitizerFixture()
        let memory = Box<ModelMemory<Int>>()
        let allocated = Locked(0)
        try f.kernel.registerDriver(ClosureDriver(name: "drv", idTable: ["test,dev"]) { (d: borrowing BoundDevice) throws(ProbeError) in
            try ProbeError.mapping {
                allocated.withLock { $0 = #line + 1 }
                memory.value = try d.devres.alloc(42, name: "devm_kzalloc")
            }
        }, on: f.bus)
        let dev = f.device("mem.0")
        try f.kernel.register(dev)
        #expect(try memory.value?.get() == 42)
        let unbound = #line + 1
        try f.kernel.unbind(dev)
        let access = #line + 1
        _ = try? memory.value?.get()
        let found = f.findings(.useAfterUnbind)
        try #require(found.count == 1)
        let finding = found[0]
        #expect(finding.object == memory.value?.id)
        #expect(finding.message.contains("freed when its driver drv was unbound at SanitizerTests/MemoryFindingTests.swift:\(unbound)"))
        #expect(isSite(finding.access.site, line: access))
        #expect(finding.acquired.contains { isSite($0.site, line: allocated.withLock { $0 }) })
        #expect(finding.released.contains { isSite($0.site, line: unbound) && $0.what.hasPrefix("driver.remove") })
        #expect(finding.render().contains("BUG: DriverModel: use-after-unbind in devm_kzalloc of mem.0"))
        try f.kernel.unregister(dev)
        #expect(f.sanitizer.finish().map(\.kind) == [.useAfterUnbind])
    }

    @Test("a write after an explicit free is a use-after-free naming allocation and free")
    func writeAfterFree() throws {
        let f = try SanitizerFixture()
        let allocated = #line + 1
        let memory = ModelMemory(1, name: "buf", events: f.kernel.events)
        let freed = #line + 1
        try memory.free()
        let access = #line + 1
        _ = try? memory.write { $0 = 2 }
        let found = f.findings(.useAfterFree)
        try #require(found.count == 1)
        #expect(isSite(found[0].access.site, line: access))
        #expect(found[0].acquired.contains { isSite($0.site, line: allocated) })
        #expect(found[0].released.contains { isSite($0.site, line: freed) })
        #expect(f.findings(.useAfterUnbind).isEmpty)
    }

    @Test("a second free is a double free naming the first")
    func doubleFree() throws {
        let f = try SanitizerFixture()
        let memory = ModelMemory(1, name: "buf", events: f.kernel.events)
        let first = #line + 1
        try memory.free()
        let access = #line + 1
        _ = try? memory.free()
        let found = f.findings(.doubleFree)
        try #require(found.count == 1)
        #expect(isSite(found[0].access.site, line: access))
        #expect(found[0].released.contains { isSite($0.site, line: first) })
    }

    @Test("memory never freed is a leak at its allocation site")
    func leakedMemory() throws {
        let f = try SanitizerFixture()
        let allocated = #line + 1
        let memory = ModelMemory([UInt8](repeating: 0, count: 4), name: "ring", events: f.kernel.events)
        let leaks = f.findings(.leakedMemory)
        try #require(leaks.count == 1)
        #expect(leaks[0].object == memory.id)
        #expect(isSite(leaks[0].access.site, line: allocated))
        try memory.free()
        #expect(f.findings(.leakedMemory).isEmpty)
    }
}
