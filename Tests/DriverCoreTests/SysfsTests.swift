import Instrumentation
import Testing
@testable import DriverCore

/// sysfs attribute groups (fs/sysfs/group.c, fs/kernfs/dir.c) and a driver's `dev_groups`
/// (drivers/base/dd.c): each lifetime rule with a test that fails if the rule were broken.
@Suite struct SysfsTests {
    /// A driver whose probe puts its state in devres and whose `dev_groups` read and write it.
    static func stateDriver(_ t: TestKernel, name: String = "attrdrv") -> ClosureDriver {
        let group = AttributeGroup(attributes: [
            DeviceAttribute("value", show: { dev throws(SysfsError) in
                guard let state = try? dev.driverData(as: ModelMemory<Int>.self) else {
                    throw SysfsError(.ENXIO, "no driver data in show")
                }
                guard let v = try? state.get() else { throw SysfsError(.EIO, "driver data freed") }
                return "\(v)\n"
            }, store: { dev, text throws(SysfsError) in
                guard let state = try? dev.driverData(as: ModelMemory<Int>.self), let v = Int(text) else {
                    throw SysfsError(.EINVAL, "bad value")
                }
                guard (try? state.write({ $0 = v })) != nil else { throw SysfsError(.EIO, "driver data freed") }
                return text.utf8.count
            }),
            DeviceAttribute("name", show: { dev throws(SysfsError) in dev.name }),
        ])
        return ClosureDriver(name: name, idTable: [name], deviceGroups: [group], probe: { dev throws(ProbeError) in
            try ProbeError.mapping {
                let state = try dev.devres.alloc(7, name: "state")
                try dev.setDriverData(state)
                t.note("probe: files \(t.kernel.sysfs.paths)")
            }
        }, remove: { dev in
            t.note("remove: files \(t.kernel.sysfs.paths)")
        })
    }

    @Test func devGroupsAppearAfterProbeAndGoBeforeRemove() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(Self.stateDriver(t), on: t.bus)
        let dev = t.device("d0", ids: ["attrdrv"])
        try t.kernel.register(dev)
        #expect(t.kernel.sysfs.paths == ["d0/name", "d0/value"])
        try t.kernel.unbind(dev)
        #expect(t.entries == ["probe: files []", "remove: files []"])
        #expect(t.kernel.sysfs.paths.isEmpty)
    }

    @Test func showAndStoreReachTheBoundDriversData() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(Self.stateDriver(t), on: t.bus)
        let dev = t.device("d0", ids: ["attrdrv"])
        try t.kernel.register(dev)
        #expect(try t.kernel.sysfs.read("d0/value") == "7\n")
        #expect(try t.kernel.sysfs.write("d0/value", "42") == 2)
        #expect(try t.kernel.sysfs.read("d0/value") == "42\n")
        #expect(throws: SysfsError(.ENOENT, "")) { try t.kernel.sysfs.read("d0/missing") }
    }

    /// The canonical case: open → unbind → call → close. The old file gets ENODEV and the
    /// driver's callback never runs on a device without its data.
    @Test func anOpenAttributeFileGetsENODEVAfterUnbind() throws {
        let t = TestKernel()
        try t.kernel.registerDriver(Self.stateDriver(t), on: t.bus)
        let dev = t.device("d0", ids: ["attrdrv"])
        try t.kernel.register(dev)
        let file = try t.kernel.sysfs.open("d0/value")
        try t.kernel.unbind(dev)
        #expect(throws: SysfsError(.ENODEV, "")) { try file.read() }
        #expect(throws: SysfsError(.ENODEV, "")) { try file.write("1") }
        // A rebind makes new files; the old one stays dead.
        try t.kernel.bind(dev, to: "attrdrv")
        #expect(throws: SysfsError(.ENODEV, "")) { try file.read() }
        #expect(try t.kernel.sysfs.read("d0/value") == "7\n")
        try file.close()
        #expect(throws: SysfsError(.EBADF, "")) { try file.close() }
        try t.kernel.unregister(dev)
        #expect(t.recorder.events(.memoryUseAfterFree).isEmpty)
    }

    @Test func aGroupThatCannotBeCreatedFailsTheProbeAndRemovesTheDriver() throws {
        let t = TestKernel()
        let dev = t.device("d0", ids: ["attrdrv"])
        try t.kernel.register(dev)
        // A file of that name exists already: device_add_groups fails with EEXIST.
        try t.kernel.sysfs.createGroup(AttributeGroup(attributes: [DeviceAttribute("value")]), on: dev)
        try t.kernel.registerDriver(Self.stateDriver(t), on: t.bus)
        #expect(dev.state != .bound)
        #expect(t.entries.count == 2 && t.entries[1].hasPrefix("remove"))
        #expect(t.kernel.sysfs.paths == ["d0/value"])
        #expect(t.kernel.warnings.contains { $0.message.contains("device_add_groups() failed") })
    }

    @Test func deletingTheDeviceRemovesItsRemainingFilesAndIsVisibleFilters() throws {
        let t = TestKernel()
        let dev = t.device("d0")
        try t.kernel.register(dev)
        let group = AttributeGroup(name: "ofn", attributes: [DeviceAttribute("a"), DeviceAttribute("hidden")],
                                   isVisible: { _, attribute in attribute.name != "hidden" })
        try t.kernel.sysfs.createGroup(group, on: dev)
        #expect(t.kernel.sysfs.paths == ["d0/ofn/a"])
        let file = try t.kernel.sysfs.open("d0/ofn/a")
        try t.kernel.unregister(dev)
        #expect(t.kernel.sysfs.paths.isEmpty)
        #expect(throws: SysfsError(.ENODEV, "")) { try file.read() }
        #expect(throws: SysfsError(.ENODEV, "")) {
            try t.kernel.sysfs.createGroup(group, on: dev)
        }
    }

    /// A callback that removes its own attribute would wait for itself (kernfs needs
    /// `device_remove_file_self` for that): refused and reported, never a hang.
    @Test func removingTheOwnGroupFromItsCallbackIsRefused() throws {
        let t = TestKernel()
        let dev = t.device("d0")
        try t.kernel.register(dev)
        let holder = Box<AttributeGroup?>(nil)
        let group = AttributeGroup(attributes: [DeviceAttribute("delete", store: { dev, _ throws(SysfsError) in
            if let g = holder.value { dev.kernel.sysfs.removeGroup(g, from: dev) }
            return 1
        })])
        holder.value = group
        try t.kernel.sysfs.createGroup(group, on: dev)
        try t.kernel.sysfs.write("d0/delete", "1")
        #expect(!t.recorder.events(EventKind("revocable.revokeInsideAccess")).isEmpty)
    }
}
