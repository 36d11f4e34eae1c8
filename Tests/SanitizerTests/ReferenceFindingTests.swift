import DriverCore
import Instrumentation
@testable import Sanitizer
import Testing

@Suite("references: use after release, get after release, double put, put never taken, leaks")
struct ReferenceFindingTests {
    @Test("a property read after the final put is a use after release, with acquire and release sites")
    func useAfterRelease() throws {
        let f = try SanitizerFixture()
        let created = #line + 1
        let dev = f.device("uar.0")
        let released = #line + 1
        try dev.put()
        let access = #line + 1
        _ = try? dev.property("compatible")
        let found = f.findings(.useAfterRelease)
        try #require(found.count == 1)
        let finding = found[0]
        #expect(finding.object == dev.id)
        #expect(isSite(finding.access.site, line: access))
        #expect(finding.acquired.contains { isSite($0.site, line: created) })
        #expect(finding.released.contains { isSite($0.site, line: released) })
        #expect(f.sanitizer.state(of: dev.id) == .released)
    }

    @Test("a get sequenced before the object's initialisation is use-before-initialisation (P10), in either delivery order")
    func useBeforeInit() throws {
        for getDeliveredFirst in [true, false] {
            let f = try SanitizerFixture()
            let id = ObjectID.next()
            let get = #line + 1
            let getSite = CallSite(fileID: #fileID, line: UInt(get))
            let initSite = CallSite(fileID: #fileID, line: #line)
            // Events from two threads: the get was emitted first either way.
            let getEvent = LifetimeEvent(sequence: 10, time: 10, kind: .get, object: id, objectName: "watchdog0", detail: "ref=1",
                                         site: getSite, thread: 1)
            let initEvent = LifetimeEvent(sequence: 11, time: 11, kind: .deviceInitialize, object: id, objectName: "watchdog0",
                                          detail: "ref=1", site: initSite, thread: 2)
            for e in getDeliveredFirst ? [getEvent, initEvent] : [initEvent, getEvent] { f.sanitizer.observe(e) }
            let found = f.sanitizer.findings.filter { $0.kind == .useBeforeInit }
            try #require(found.count == 1, "get delivered first: \(getDeliveredFirst)")
            #expect(isSite(found[0].access.site, line: get))
            #expect(found[0].acquired.contains { $0.site == initSite })
        }
        // A device used the normal way raises nothing of the kind.
        let f = try SanitizerFixture()
        let dev = f.device("ok.0")
        try dev.get()
        try dev.put()
        #expect(f.sanitizer.findings.filter { $0.kind == .useBeforeInit }.isEmpty)
    }

    @Test("a get after the final put is get-after-release")
    func getAfterRelease() throws {
        let f = try SanitizerFixture()
        let dev = f.device("gar.0")
        try dev.put()
        let access = #line + 1
        _ = try? dev.get()
        let found = f.findings(.getAfterRelease)
        try #require(found.count == 1)
        #expect(isSite(found[0].access.site, line: access))
        #expect(f.findings(.doublePut).isEmpty)
    }

    @Test("a second put is a double put, naming the final put and the last put by another thread")
    func doublePut() throws {
        let f = try SanitizerFixture()
        let dev = f.device("dp.0")
        try dev.get()
        let otherPut = #line + 1
        onOtherThread { try? dev.put() }
        let finalPut = #line + 1
        try dev.put()
        let access = #line + 1
        _ = try? dev.put()
        let found = f.findings(.doublePut)
        try #require(found.count == 1)
        #expect(isSite(found[0].access.site, line: access))
        #expect(found[0].released.contains { isSite($0.site, line: finalPut) })
        let other = try #require(found[0].lastByOtherThread)
        #expect(isSite(other.site, line: otherPut))
        #expect(other.thread != found[0].access.thread)
        #expect(found[0].render().contains("Last get/put by thread \(other.thread) at:"))
    }

    @Test("a put that no recorded get explains is put-of-reference-never-taken")
    func putNeverTaken() throws {
        let kernel = Kernel()
        // The creation reference was taken before the sanitizer saw anything: nobody it
        // knows of holds a reference, so the put is unexplained.
        let dev = Device(kernel: kernel, name: "pnt.0") { _ in }
        let sanitizer = Sanitizer(attachingTo: kernel)
        let access = #line + 1
        try dev.put()
        let found = sanitizer.findings.filter { $0.kind == .putNeverTaken }
        try #require(found.count == 1)
        #expect(isSite(found[0].access.site, line: access))
        #expect(sanitizer.leaks.isEmpty, "an object first seen mid-life is not reported as leaked")
    }

    @Test("references never put are leaks, grouped by acquire site")
    func leakedReferences() throws {
        let f = try SanitizerFixture()
        let a = f.device("leak.0")
        let b = f.device("leak.1")
        var takenAt = 0
        for dev in [a, b] {
            takenAt = #line + 1
            try dev.get()
        }
        try a.put(); try a.put()  // a is released; one of b's references remains besides its creation one
        let leaks = f.findings(.leakedReference)
        let atGet = leaks.filter { isSite($0.access.site, line: takenAt) }
        try #require(atGet.count == 1, "one finding for the one site")
        #expect(atGet[0].objectName == "leak.1")
        #expect(atGet[0].acquired.count == 1)
        #expect(leaks.count == 2, "b's creation reference is the other site")
        #expect(f.sanitizer.references(of: b.id).count == 2)
    }

    @Test("two devices created at one site and never put: one leak finding naming both")
    func leaksGroupedBySite() throws {
        let f = try SanitizerFixture()
        var createdAt = 0
        var devices: [Device] = []
        for i in 0..<2 {
            createdAt = #line + 1
            devices.append(f.device("grouped.\(i)"))
        }
        let leaks = f.findings(.leakedReference)
        try #require(leaks.count == 1)
        #expect(leaks[0].objectName == "grouped.0, grouped.1")
        #expect(leaks[0].acquired.count == 2 && leaks[0].acquired.allSatisfy { isSite($0.site, line: createdAt) })
        for d in devices { try d.put() }
        #expect(f.findings(.leakedReference).isEmpty)
    }

    @Test("a broken refcount whose final put skips release is release-never-ran")
    func putSkipsRelease() throws {
        let f = try SanitizerFixture()
        let object = BrokenRefcount(name: "broken.0", events: f.kernel.events)
        object.get()
        object.put()
        let finalPut = #line + 1
        object.put()
        let found = f.findings(.releaseNeverRan)
        try #require(found.count == 1)
        #expect(found[0].object == object.id)
        #expect(isSite(found[0].access.site, line: finalPut))
        #expect(f.findings(.leakedReference).isEmpty, "no reference is left: the count is right, the release is missing")
    }

    @Test("pendingReleases lists a count at zero without its release, and only that")
    func pendingReleasesPollsWithoutTheLeakScan() throws {
        let f = try SanitizerFixture()
        let real = f.device("real.0")
        try real.get()
        try real.put()
        let broken = BrokenRefcount(name: "broken.0", events: f.kernel.events)
        #expect(f.sanitizer.pendingReleases.isEmpty, "nothing at zero yet")
        let finalPut = #line + 1
        broken.put()
        try real.put()  // final put, release runs: never pending afterwards
        let pending = f.sanitizer.pendingReleases
        try #require(pending.count == 1)
        #expect(pending[0].object == broken.id && pending[0].name == "broken.0")
        #expect(isSite(pending[0].finalPut.site, line: finalPut))
    }

    @Test("a quarantine limit forgets the oldest released objects, and only released ones")
    func quarantineLimitForgetsTheOldest() throws {
        let kernel = Kernel()
        let sanitizer = Sanitizer(attachingTo: kernel, quarantineLimit: 2)
        let devices = (0..<3).map { i in Device(kernel: kernel, name: "q.\(i)") { _ in } }
        let live = Device(kernel: kernel, name: "live.0") { _ in }
        for d in devices { try d.put() }
        #expect(sanitizer.state(of: devices[0].id) == nil, "forgotten: the quarantine holds two")
        #expect(sanitizer.state(of: devices[1].id) == .released && sanitizer.state(of: devices[2].id) == .released)
        #expect(sanitizer.state(of: live.id) == .live, "live objects are never forgotten")
        // The model itself still refuses the misuse of a forgotten object, and the sanitizer
        // still hears of it.
        #expect(throws: DriverCoreError.self) { try devices[0].get() }
        #expect(sanitizer.findings.map(\.kind) == [.getAfterRelease])
        #expect(sanitizer.leaks.map(\.objectName) == ["live.0"], "a forgotten object is never a leak")
        try live.put()
    }

    @Test("a bounded quarantine keeps a released object's newest history only, and its sites")
    func boundedQuarantineTrimsReleasedHistories() throws {
        let kernel = Kernel()
        let bounded = Sanitizer(attachingTo: kernel, quarantineLimit: 10)
        let unbounded = Sanitizer(attachingTo: kernel)
        let device = Device(kernel: kernel, name: "busy.0") { _ in }
        let live = Device(kernel: kernel, name: "live.0") { _ in }
        for _ in 0..<100 {
            try device.get()
            try device.put()
            try live.get()
            try live.put()
        }
        try device.put()
        // Misuse after the release keeps adding events: still bounded.
        for _ in 0..<50 { _ = try? device.get() }
        let limit = Sanitizer.quarantinedHistoryLimit
        #expect(bounded.history(of: device.id).count <= limit)
        #expect(bounded.history(of: device.id).last?.what == unbounded.history(of: device.id).last?.what)
        #expect(unbounded.history(of: device.id).count > 200, "without a limit, every event is kept")
        #expect(bounded.history(of: live.id).count > 200, "live objects keep theirs")
        // The report of a late misuse still names where the object was made and released.
        let late = try #require(bounded.findings.first { $0.kind == .getAfterRelease })
        #expect(late.acquired.contains { $0.what.hasPrefix("device.initialize") })
        #expect(late.released.contains { $0.what.hasPrefix("ref.put") })
        try live.put()
    }

    @Test("a bounded quarantine forgets a forgotten device's teardown too")
    func boundedQuarantineForgetsTeardowns() throws {
        let kernel = Kernel()
        let sanitizer = Sanitizer(attachingTo: kernel, quarantineLimit: 4)
        for i in 0..<50 {
            let device = Device(kernel: kernel, name: "t.\(i)") { _ in }
            try kernel.register(device)
            try kernel.unregister(device)  // device_del: a whole-list devres teardown, then the release
        }
        let kept = sanitizer.keptRecords
        #expect(kept.objects <= 4 + 1 && kept.teardowns <= 4 + 1, "\(kept)")
    }

    @Test("a child holds its parent: releasing both in order gives no finding")
    func parentAndChild() throws {
        let f = try SanitizerFixture()
        let parent = f.device("parent.0")
        try f.kernel.register(parent)
        let child = Device(kernel: f.kernel, name: "child.0", parent: parent) { _ in }
        try f.kernel.register(child)
        try f.kernel.unregister(child)
        try f.kernel.unregister(parent)
        #expect(f.sanitizer.finish().isEmpty, "\(f.sanitizer.report())")
        #expect(f.sanitizer.state(of: parent.id) == .released)
    }
}
