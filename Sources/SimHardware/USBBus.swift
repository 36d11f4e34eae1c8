import DriverCore
import Instrumentation

/// A hot-pluggable USB-like bus: a device per port, bound by a generic driver that creates
/// one child device per interface; each interface is bound separately by its class driver.
/// `unplug` removes the whole subtree — interfaces first, then the device — while references
/// held elsewhere keep the objects alive (usb_disconnect).
public final class USBBus: Sendable {
    public let bus: Bus
    let kernel: Kernel
    /// Interfaces the USB core created, per device: the core owns their registration
    /// reference and drops it at disconnect.
    let interfaces = Locked<[ObjectID: [Device]]>([:])

    init(kernel: Kernel) throws(DriverCoreError) {
        self.kernel = kernel
        // Matching is by id alone: a USB device carries "usb-device", an interface
        // "usb-if:<class>"; any driver listing those ids in its table binds them.
        bus = Bus(name: "usb")
        try kernel.registerBus(bus)
    }

    /// Plugs a device into `port` with the given interface classes; returns it. The caller
    /// gets no reference: the USB core owns the registration reference.
    public func plug(port: String, interfaces classes: [String]) throws(DriverCoreError) -> Device {
        let classList = classes
        let device = Device(kernel: kernel, name: "usb\(port)", bus: bus, matchIDs: ["usb-device"],
                            properties: ["interfaces": classList.joined(separator: ",")]) { _ in }
        do {
            try kernel.register(device)
        } catch {
            // After device_initialize a failed add still needs the put (found by
            // `explore --faults`: the replugged device leaked).
            try? device.put()
            throw error
        }
        return device
    }

    /// Creates and registers the interface children of `device` (called by the generic driver).
    func createInterfaces(of device: Device, classes: [String]) throws(DriverCoreError) {
        var created: [Device] = []
        let port = String(device.name.dropFirst(3))
        for (n, cls) in classes.enumerated() {
            let iface = Device(kernel: kernel, name: "\(port):1.\(n)", bus: bus, parent: device,
                               matchIDs: ["usb-if:" + cls]) { _ in }
            do {
                try kernel.register(iface)
            } catch {
                // A failed add still leaves our reference to drop; undo what was created.
                try? iface.put()
                for made in created.reversed() { try? kernel.unregister(made) }
                throw error
            }
            created.append(iface)
        }
        interfaces.withLock { $0[device.id] = created }
    }

    /// Destroys the interfaces the core created for `device` (at the generic driver's remove):
    /// each is deleted if still present and its registration reference dropped.
    func destroyInterfaces(of device: Device, fileID: StaticString = #fileID, line: UInt = #line) {
        let children = interfaces.withLock { $0.removeValue(forKey: device.id) ?? [] }
        for iface in children.reversed() {
            if iface.state.isPresent { try? kernel.delete(iface, fileID: fileID, line: line) }
            try? iface.put(fileID: fileID, line: line)
        }
    }

    /// Surprise removal: the device is unregistered; its deletion takes the interfaces first
    /// (children before parents) and the generic driver's remove drops them. Objects with
    /// references held elsewhere (open files) live on until those are dropped.
    public func unplug(_ device: Device, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        try kernel.unregister(device, fileID: fileID, line: line)
    }
}

/// The generic USB device driver: creates the interfaces.
public final class USBGenericDriver: DeviceDriver {
    public let name = "usb"
    public let idTable = ["usb-device"]
    let usb: USBBus
    public init(usb: USBBus) { self.usb = usb }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let classes = ((try? device.device.property("interfaces")) ?? nil)?.split(separator: ",").map(String.init) ?? []
        do { try usb.createInterfaces(of: device.device, classes: classes) } catch { throw .failed(error.errno, error.message) }
    }

    /// What probe created, remove destroys: without this a re-probe (rebind, or
    /// CONFIG_DEBUG_TEST_DRIVER_REMOVE) finds the old interfaces still registered (EEXIST).
    public func remove(_ device: borrowing BoundDevice) {
        usb.destroyInterfaces(of: device.device)
    }
}

/// A class driver for one interface class (matches "usb-if:<class>").
public final class USBInterfaceDriver: DeviceDriver {
    public let name: String
    public let interfaceClass: String
    public init(name: String, interfaceClass: String) {
        self.name = name
        self.interfaceClass = interfaceClass
    }
    public var idTable: [String] { ["usb-if:" + interfaceClass] }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        try ProbeError.mapping {
            _ = try device.devres.alloc("\(interfaceClass) port state", name: "devm_kzalloc(port)")
            try device.devres.addAction(ActionKey("usb_kill_urb")) {}
        }
    }
}
