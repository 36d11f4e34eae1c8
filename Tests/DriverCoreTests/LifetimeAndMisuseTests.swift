import Testing
import Instrumentation
@testable import DriverCore

/// Object lifetime: release exactly once at the last put, parent/child references, hot
/// unplug, and every misuse reported as a typed error with the state left consistent.
@Suite struct ObjectLifetimeTests {
    @Test func releaseRunsExactlyOnceAtLastPut() throws {
        let t = TestKernel()
        let d = t.device("d")
        try t.kernel.register(d)
        try d.get(); try d.get()
        try t.kernel.unregister(d)
        try d.put()
        #expect(t.releasedNames.isEmpty)
        try d.put()
        #expect(t.releasedNames == ["d"])
        #expect(d.state == .released)
    }

    /// The container_of pattern in Swift: the owner holds its device, the device's release
    /// closure captures the owner. Once the release ran, dropping the last outside
    /// reference must free both (the device forgets its callback), or every such owner
    /// leaks — a torture run leaked every watchdog core that way.
    @Test func aReleasedDeviceLetsItsOwnerGo() throws {
        final class Owner: @unchecked Sendable { var device: Device? }
        weak var weakOwner: Owner?
        weak var weakDevice: Device?
        let t = TestKernel()
        do {
            let owner = Owner()
            let device = Device(kernel: t.kernel, name: "owned") { _ in _ = owner }
            owner.device = device
            weakOwner = owner
            weakDevice = device
            try t.kernel.register(device)
            try t.kernel.unregister(device)
            #expect(device.state == .released)
        }
        #expect(weakOwner == nil, "the owner outlived its released device")
        #expect(weakDevice == nil)
    }

    @Test func childHoldsParentUntilChildRelease() throws {
        let t = TestKernel()
        let parent = t.device("parent")
        try t.kernel.register(parent)
        let child = t.device("child", parent: parent)
        try t.kernel.register(child)
        #expect(parent.referenceCount == 2)
        try child.get()  // someone keeps the child
        try t.kernel.unregister(parent)  // deletes child first
        #expect(child.state == .deleted)
        #expect(t.releasedNames.isEmpty)  // parent pinned by the child
        try child.put()  // the extra reference
        #expect(t.releasedNames.isEmpty)
        try child.put()  // the registrant's reference: device_del never drops it
        #expect(t.releasedNames == ["child", "parent"])
    }

    @Test func deletingParentDeletesChildrenFirst() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(ClosureDriver(name: "p", remove: { _ in t.note("remove parent") }), on: t.bus)
        try t.kernel.registerDriver(ClosureDriver(name: "c", remove: { _ in t.note("remove child") }), on: t.bus)
        let parent = Device(kernel: t.kernel, name: "p", bus: t.bus) { _ in }
        try t.kernel.register(parent)
        let child = Device(kernel: t.kernel, name: "c", bus: t.bus, parent: parent) { _ in }
        try t.kernel.register(child)
        try t.kernel.unregister(parent)
        #expect(t.entries == ["remove child", "remove parent"])
    }

    @Test func hotUnplugWhileBoundAndReferenced() throws {
        let t = TestKernel()
        let mem = Box<ModelMemory<Int>?>(nil)
        try t.kernel.registerDriver(ClosureDriver(name: "hp") { (dev: borrowing BoundDevice) throws(ProbeError) in
            do { mem.value = try dev.devres.alloc(7) } catch { throw .failed(.ENOMEM, "") }
        }, on: t.bus)
        let d = t.device("hp")
        try t.kernel.register(d)
        try d.get()  // an open file, say
        try t.kernel.unregister(d)  // unplug
        #expect(d.state == .deleted)
        #expect(!mem.value!.isLive)  // bound memory is gone…
        #expect(throws: DriverCoreError.self) { try mem.value!.get() }  // …and its use is detected
        #expect(t.recorder.events(.memoryUseAfterFree).count == 1)
        #expect(t.releasedNames.isEmpty)  // …but the object lives
        try d.put()
        #expect(t.releasedNames == ["hp"])
    }
}

@Suite struct MisuseTests {
    @Test func registerWithoutReleaseIsRefused() throws {
        let t = TestKernel()
        let d = Device(kernel: t.kernel, name: "broken", bus: t.bus, release: nil)
        #expect(throws: DriverCoreError.missingRelease(device: "broken", site: CallSite())) {
            try t.kernel.register(d)
        }
        #expect(t.kernel.device(named: "broken") == nil)
        #expect(t.kernel.warnings.last?.message.contains("does not have a release() function") == true)
    }

    @Test func doubleRegisterIsRefused() throws {
        let t = TestKernel()
        let d = t.device("d")
        try t.kernel.register(d)
        #expect(throws: DriverCoreError.self) { try t.kernel.register(d) }
        #expect(d.state == .added)
        #expect(d.referenceCount == 1)
    }

    @Test func doublePutAndEveryUseAfterReleaseAreReported() throws {
        let t = TestKernel()
        let d = t.device("d")
        try t.kernel.register(d)
        try t.kernel.unregister(d)
        #expect(t.releasedNames == ["d"])
        #expect(throws: DriverCoreError.useAfterRelease(device: "d", operation: "put", site: CallSite())) { try d.put() }
        #expect(throws: DriverCoreError.self) { try d.get() }
        #expect(throws: DriverCoreError.self) { try d.devres.addAction(ActionKey("x")) {} }
        #expect(throws: DriverCoreError.self) { try d.objectResources.addAction(ActionKey("x")) {} }
        #expect(throws: DriverCoreError.self) { try t.kernel.bind(d, to: "any") }
        #expect(throws: DriverCoreError.self) { try d.property("compatible") }
        #expect(throws: DriverCoreError.self) { try t.kernel.add(d) }
        #expect(t.releasedNames == ["d"])  // still exactly once
        #expect(d.referenceCount == 0)
        #expect(t.recorder.events(.refMisuse).count >= 4)
    }

    @Test func misuseErrorsNameTheCallSite() throws {
        let t = TestKernel()
        let d = t.device("d")
        try d.put()
        do {
            try d.get()
            Issue.record("get after release succeeded")
        } catch {
            #expect(error.description.contains("LifetimeAndMisuseTests.swift"))
            #expect(error.description.contains("'d'"))
            #expect(error.errno == .ENODEV)
        }
    }

    @Test func bindingAnAlreadyBoundDeviceIsRefused() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(ClosureDriver(name: "a"), on: t.bus)
        let d = t.device("a")
        try t.kernel.register(d)
        #expect(throws: DriverCoreError.alreadyBound(device: "a", driver: "a", site: CallSite())) {
            try t.kernel.bind(d, to: "a")
        }
        #expect(throws: DriverCoreError.self) { try t.kernel.unbind(t.device("loose")) }
    }

    @Test func unknownNamesAreReported() throws {
        let t = TestKernel()
        let d = t.device("d")
        try t.kernel.register(d)
        #expect(throws: DriverCoreError.unknown(kind: "driver", name: "nope", site: CallSite())) {
            try t.kernel.bind(d, to: "nope")
        }
        let stray = Device(kernel: t.kernel, name: "s", bus: Bus(name: "unregistered")) { _ in }
        #expect(throws: DriverCoreError.self) { try t.kernel.register(stray) }
        #expect(throws: DriverCoreError.self) { try t.kernel.registerBus(t.bus) }
        #expect(throws: DriverCoreError.self) { try t.kernel.unregisterDriver(ClosureDriver(name: "x"), on: t.bus) }
    }

    @Test func removingAnUnregisteredActionIsReportedAndChangesNothing() throws {
        let t = TestKernel()
        let d = t.device("d")
        try d.devres.addAction(ActionKey("real")) {}
        #expect(throws: DriverCoreError.self) { try d.devres.removeAction(ActionKey("missing")) }
        #expect(throws: DriverCoreError.self) { try d.devres.releaseAction(ActionKey("missing")) }
        #expect(d.devres.isActionAdded(ActionKey("real")))
        #expect(d.devres.count == 1)
    }

    @Test func memoryDoubleFreeIsReported() throws {
        let t = TestKernel()
        let d = t.device("d")
        let m = try d.devres.alloc("x")
        try d.devres.free(m)
        #expect(throws: DriverCoreError.self) { try d.devres.free(m) }
        #expect(throws: DriverCoreError.self) { try m.free() }
        #expect(t.recorder.events(.memoryDoubleFree).count == 1)
    }

    @Test func devresOnAnotherDeviceDuringProbeIsFlagged() throws {
        let t = TestKernel()
        let parent = t.device("usb1")
        try t.kernel.register(parent)
        try t.kernel.registerDriver(ClosureDriver(name: "iface") { (dev: borrowing BoundDevice) throws(ProbeError) in
            // class P12 (spi-ch341 abe572f630bc): resources tied to the USB device, not the interface
            do { try dev.device.parent!.devres.addAction(ActionKey("leak")) {} } catch { throw .failed(.ENOMEM, "") }
        }, on: t.bus)
        try t.kernel.register(t.device("iface", parent: parent))
        #expect(t.recorder.events(.devresWrongDevice).count == 1)
        #expect(t.kernel.warnings.contains { $0.message.contains("P12") })
    }
}

@Suite struct DevresGroupTests {
    func names(_ d: Device) -> [String] { d.devres.entries.map(\.name) }

    @Test func releaseGroupReleasesOnlyItsResourcesNewestFirst() throws {
        let t = TestKernel()
        let d = t.device("g")
        try d.devres.addAction(ActionKey("outside")) { t.note("outside") }
        let g = try d.devres.openGroup()
        try d.devres.addAction(ActionKey("a")) { t.note("a") }
        try d.devres.addAction(ActionKey("b")) { t.note("b") }
        try d.devres.closeGroup(g)
        try d.devres.addAction(ActionKey("after")) { t.note("after") }
        #expect(try d.devres.releaseGroup(g) == 2)
        #expect(t.entries == ["b", "a"])
        #expect(names(d) == ["outside", "after"])
    }

    @Test func openGroupReleasesToTheEnd() throws {
        let t = TestKernel()
        let d = t.device("g")
        let g = try d.devres.openGroup()
        try d.devres.addAction(ActionKey("a")) { t.note("a") }
        try d.devres.addAction(ActionKey("b")) { t.note("b") }
        #expect(try d.devres.releaseGroup(g) == 2)
        #expect(d.devres.isEmpty)
    }

    @Test func nestedGroupsGoWithTheirParentGroup() throws {
        let t = TestKernel()
        let d = t.device("g")
        let outer = try d.devres.openGroup()
        try d.devres.addAction(ActionKey("o1")) { t.note("o1") }
        let inner = try d.devres.openGroup()
        try d.devres.addAction(ActionKey("i1")) { t.note("i1") }
        try d.devres.closeGroup(inner)
        try d.devres.closeGroup(outer)
        #expect(try d.devres.releaseGroup(outer) == 2)
        #expect(t.entries == ["i1", "o1"])
        #expect(d.devres.isEmpty)
        #expect(throws: DriverCoreError.self) { try d.devres.releaseGroup(inner) }
    }

    @Test func partiallyOverlappingGroupKeepsItsMarkers() throws {
        // A opens, B opens, A closes, B closes: releasing A takes A's resources and the first
        // half of B's range, but B is not wholly inside A, so B's markers stay (remove_nodes).
        let t = TestKernel()
        let d = t.device("g")
        let a = try d.devres.openGroup()
        try d.devres.addAction(ActionKey("a1")) { t.note("a1") }
        let b = try d.devres.openGroup()
        try d.devres.addAction(ActionKey("ab")) { t.note("ab") }
        try d.devres.closeGroup(a)
        try d.devres.addAction(ActionKey("b1")) { t.note("b1") }
        try d.devres.closeGroup(b)
        #expect(try d.devres.releaseGroup(a) == 2)
        #expect(t.entries == ["ab", "a1"])
        #expect(names(d) == ["grp<", "b1", "grp>"])
        #expect(try d.devres.releaseGroup(b) == 1)
        #expect(d.devres.isEmpty)
    }

    @Test func removeGroupKeepsResourcesInEnclosingScope() throws {
        let t = TestKernel()
        let d = t.device("g")
        let g = try d.devres.openGroup()
        try d.devres.addAction(ActionKey("a")) { t.note("a") }
        try d.devres.closeGroup()
        try d.devres.removeGroup(g)
        #expect(names(d) == ["a"])
        try d.put()
        #expect(t.entries == ["a"])
    }

    @Test func unbalancedGroupOperationsAreErrors() throws {
        let t = TestKernel()
        let d = t.device("g")
        #expect(throws: DriverCoreError.self) { try d.devres.closeGroup() }
        let g = try d.devres.openGroup()
        try d.devres.closeGroup(g)
        #expect(throws: DriverCoreError.self) { try d.devres.closeGroup(g) }
        #expect(throws: DriverCoreError.self) { try d.devres.releaseGroup(DevresGroupID(raw: 999_999_999)) }
        #expect(throws: DriverCoreError.self) { try d.devres.removeGroup(DevresGroupID(raw: 999_999_999)) }
        #expect(names(d) == ["grp<", "grp>"])
    }

    @Test func findForEachAndReleaseByMatch() throws {
        final class Clk: @unchecked Sendable { let n: String; init(_ n: String) { self.n = n } }
        let t = TestKernel()
        let d = t.device("g")
        for n in ["a", "b", "c"] { try d.devres.add(Clk(n), release: "clk_put") { c in t.note("put \(c.n)") } }
        #expect(d.devres.find(Clk.self, release: "clk_put")?.n == "c")
        #expect(d.devres.find(Clk.self, release: "clk_put") { $0.n == "a" }?.n == "a")
        var seen: [String] = []
        d.devres.forEach(Clk.self, release: "clk_put") { seen.append($0.n) }
        #expect(seen == ["c", "b", "a"])
        try d.devres.release(Clk.self, release: "clk_put") { $0.n == "b" }
        #expect(t.entries == ["put b"])
        #expect(throws: DriverCoreError.self) { try d.devres.release(Clk.self, release: "clk_put") { $0.n == "b" } }
    }
}
