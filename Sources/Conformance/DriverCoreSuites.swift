import DriverCore
import Instrumentation

/// drivers/base/test/platform-device-test.c, root-device-test.c, lib/kunit/kunit-test.c and
/// drivers/gpu/drm/tests/drm_bridge_test.c (drm_managed_test.c is in MediaSuites, on the DRM core).
enum DriverCoreSuites {
    final class Flag: Sendable {
        private let value = Locked(0)
        func bump() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    static func kernel() throws -> (Kernel, Bus) {
        let kernel = Kernel()
        let bus = Bus(name: "platform")
        try kernel.registerBus(bus)
        return (kernel, bus)
    }

    static func device(_ kernel: Kernel, _ name: String, bus: Bus?, released: Flag? = nil) -> Device {
        Device(kernel: kernel, name: name, bus: bus) { _ in released?.bump() }
    }

    static let cases: [ConformanceCase] = [
        ConformanceCase(suite: "platform-device-devm", name: "devm action on an unprobed device runs at unregister") {
            let (k, bus) = try kernel()
            let d = device(k, "test.0", bus: bus)
            try k.register(d)
            let ran = Flag()
            try d.devres.addAction(ActionKey("action")) { ran.bump() }
            try k.unregister(d)
            try check(ran.count == 1, "the devm action did not run at unregister")
        },
        ConformanceCase(suite: "platform-device-devm", name: "devm action dropping an extra reference: no leak") {
            let (k, bus) = try kernel()
            let released = Flag()
            let d = device(k, "test.0", bus: bus, released: released)
            try k.register(d)
            try d.get()
            try d.devres.addAction(ActionKey("put_device", data: d)) { try? d.put() }
            try k.unregister(d)
            try check(released.count == 1, "device not released: devres not flushed at device_del (699fb50d9903)")
        },
        ConformanceCase(suite: "platform-device-devm", name: "devm action on a probed device runs at unregister") {
            let (k, bus) = try kernel()
            let ran = Flag()
            try k.registerDriver(ClosureDriver(name: "test") { (dev: borrowing BoundDevice) throws(ProbeError) in
                try ProbeError.mapping { try dev.devres.addAction(ActionKey("action")) { ran.bump() } }
            }, on: bus)
            let d = device(k, "test", bus: bus)
            try k.register(d)
            try check(d.state == .bound && ran.count == 0, "not bound, or the action ran early")
            try k.unregister(d)
            try check(ran.count == 1, "the devm action did not run at unregister")
        },
        ConformanceCase(suite: "root-device-devm", name: "get + unregister: the action runs at unregister, not at the final put") {
            let (k, _) = try kernel()
            let released = Flag()
            let root = device(k, "root-test", bus: nil, released: released)
            try k.register(root)
            try root.get()
            let ran = Flag()
            try root.devres.addAction(ActionKey("a")) { ran.bump() }
            try k.unregister(root)
            try check(ran.count == 1 && released.count == 0, "action not at unregister, or released too early")
            try root.put()
            try check(released.count == 1, "not released at the final put")
        },
        ConformanceCase(suite: "kunit_resource", name: "proper free ordering (LIFO)") {
            let (k, _) = try kernel()
            let d = device(k, "res.0", bus: nil)
            try k.register(d)
            let order = Locked<[String]>([])
            try d.devres.addAction(ActionKey("first")) { order.withLock { $0.append("first") } }
            try d.devres.addAction(ActionKey("second")) { order.withLock { $0.append("second") } }
            try k.unregister(d)
            try check(order.withLock { $0 } == ["second", "first"], "released \(order.withLock { $0 })")
        },
        ConformanceCase(suite: "kunit_resource", name: "remove_action cancels, release_action runs once now") {
            let (k, _) = try kernel()
            let d = device(k, "res.0", bus: nil)
            try k.register(d)
            let cancelled = Flag(), early = Flag()
            try d.devres.addAction(ActionKey("cancelled")) { cancelled.bump() }
            try d.devres.removeAction(ActionKey("cancelled"))
            try d.devres.addAction(ActionKey("early")) { early.bump() }
            try d.devres.releaseAction(ActionKey("early"))
            try k.unregister(d)
            try check(cancelled.count == 0 && early.count == 1, "cancelled ran \(cancelled.count), early ran \(early.count)")
        },
        ConformanceCase(suite: "drm_bridge_alloc", name: "drm_test_drm_bridge_alloc_get_put") {
            let (k, bus) = try kernel()
            let parent = device(k, "bridge-parent", bus: bus)
            try k.register(parent)
            let released = Flag()
            let bridge = device(k, "bridge", bus: nil, released: released)
            try parent.devres.addAction(ActionKey("drm_bridge_put", data: bridge)) { try? bridge.put() }
            try bridge.get()
            try k.unregister(parent)
            try check(released.count == 0, "destroyed while a reference was held")
            try bridge.put()
            try check(released.count == 1, "not destroyed by the last put")
        },
        ConformanceCase(suite: "platform-device-swnode", name: "the same software node across two device lifetimes") {
            let (k, bus) = try kernel()
            let node = FirmwareNode(name: "swnode")
            let first = Device(kernel: k, name: "sw.0", bus: bus, firmware: FirmwareDescription(swnode: node)) { _ in }
            try k.register(first)
            try k.unregister(first)
            let second = Device(kernel: k, name: "sw.0", bus: bus, firmware: FirmwareDescription(swnode: node)) { _ in }
            try k.register(second)
            try check(k.isRegistered(node), "the node was not registered again")
        },
        ConformanceCase(suite: "platform-device-match", name: "find by a NULL fwnode finds nothing") {
            let (k, bus) = try kernel()
            try k.register(Device(kernel: k, name: "led.0", bus: bus, firmware: FirmwareDescription(fwnode: FirmwareNode(name: "of"))) { _ in })
            try check(k.findDevice(on: bus, fwnode: nil) == nil, "a nil lookup found a device")
        },
    ]
}
