import Instrumentation

/// device_add / device_del / device_unregister (drivers/base/core.c).
extension Kernel {
    /// `device_add()`: publishes an initialised device on its bus and, if a matching driver is
    /// registered, binds it (to the first matching driver that probes successfully).
    ///
    /// Refused, with nothing changed: a device without a release callback (the kernel's
    /// "does not have a release() function" rule, enforced up front), a device that is not
    /// freshly initialised (double add), a released device, a duplicate name, an unknown bus,
    /// a parent that is not present. On refusal the caller still owns its reference and must
    /// `put` it, as after a failed `device_add()`. May block (probe runs on this thread).
    public func add(_ device: Device, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try device.checkNotReleased("add", site: site)
        guard device.hasReleaseCallback else {
            warn(deviceID: device.id, deviceName: device.name,
                 "does not have a release() function, it is broken and must be fixed", site: site)
            throw DriverCoreError.missingRelease(device: device.name, site: site)
        }
        guard device.state == .initialized else {
            throw DriverCoreError.alreadyRegistered(kind: "device", name: device.name, site: site)
        }
        // device_add() can fail (kobject_add, bus_add_device: -ENOMEM, -EEXIST): an injectable
        // bus operation, so every caller's error path is swept (core.c; fail-nth).
        if faults.shouldFail(.busOperation, name: "device_add(\(device.name))", device: device.name, site: site) {
            throw DriverCoreError.outOfMemory(device: device.name, what: "device_add", site: site)
        }
        try attachFirmware(device, site: site)
        if let parent = device.parent {
            guard parent.state.isPresent else {
                throw DriverCoreError.invalidState(device: parent.name, operation: "add child '\(device.name)' to",
                                                   state: parent.state, site: site)
            }
            try parent.get(fileID: site.fileID, line: site.line)
        }
        do {
            try registry.withLock { r throws(DriverCoreError) in
                guard r.devicesByName[device.name] == nil else {
                    throw DriverCoreError.alreadyRegistered(kind: "device", name: device.name, site: site)
                }
                var index: BusIndex?
                if let bus = device.bus {
                    guard let found = r.buses[bus.name], found.bus === bus else {
                        throw DriverCoreError.unknown(kind: "bus", name: bus.name, site: site)
                    }
                    index = found
                }
                r.devices[device.id] = device
                r.devicesByName[device.name] = device
                index?.index(device, override: device.driverOverride)
            }
        } catch {
            if let parent = device.parent { try? parent.put(fileID: site.fileID, line: site.line) }
            throw error
        }
        device.core.withLock {
            $0.state = .added
            $0.holdsParentReference = device.parent != nil
        }
        device.parent?.core.withLock { $0.children.append(device.id) }
        events.emit(.deviceAdd, object: device.id, name: device.name, detail: device.bus.map { "bus=\($0.name)" } ?? "",
                    site: site)
        if device.bus?.autoprobe == true { attach(device, site: site) }
    }

    /// `device_register()`: the device was initialised by its `init`; this adds it.
    public func register(_ device: Device, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try add(device, fileID: site.fileID, line: site.line)
    }

    /// `device_register()` and, when it fails, the `put_device()` its caller owes: the device's
    /// initial reference is the caller's to drop even though the add failed (the contract
    /// documented at `device_register()` in drivers/base/core.c). A caller that registers a
    /// device it made and keeps no other reference uses this, so a failed registration never
    /// leaks the device (found by `devmodel faults --scenario`).
    public func registerOrPut(_ device: Device, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        do {
            try register(device, fileID: fileID, line: line)
        } catch {
            try? device.put(fileID: fileID, line: line)
            throw error
        }
    }

    /// `device_del()`: children first, then unbind the driver (consumers of its links before
    /// it), drop its links, unpublish it, and flush devres left from outside a binding
    /// (`699fb50d9903`). Does not drop the caller's reference: the object lives on while
    /// references remain (hot-unplug with a file open).
    public func delete(_ device: Device, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try device.checkNotReleased("delete", site: site)
        guard device.state.isPresent else {
            throw DriverCoreError.invalidState(device: device.name, operation: "delete", state: device.state, site: site)
        }
        let alreadyDying = device.lock.withLock(site: site) {
            device.core.withLock { c in defer { c.dead = true }; return c.dead }
        }
        guard !alreadyDying else {
            throw DriverCoreError.invalidState(device: device.name, operation: "delete", state: device.state, site: site)
        }
        for child in device.children.reversed() where child.state.isPresent {
            try? delete(child, fileID: site.fileID, line: site.line)
        }
        releaseDriver(device, site: site)
        purgeLinks(of: device, site: site)
        device.lock.withLock(site: site) {
            device.core.withLock { $0.state = .deleted }
        }
        registry.withLock { r in
            r.devices[device.id] = nil
            r.devicesByName[device.name] = nil
            r.deferred.removeAll { $0.id == device.id }
            if let bus = device.bus { r.buses[bus.name]?.unindex(device, override: device.driverOverride) }
        }
        device.parent?.core.withLock { $0.children.removeAll { $0 == device.id } }
        // kobject_del: the device's directory goes, with the attribute files still in it.
        sysfs.removeAll(of: device, site: site)
        events.emit(.deviceDel, object: device.id, name: device.name, site: site)
        device.devres.releaseAll(site: site)
    }

    /// `device_unregister()`: delete, then drop the caller's reference.
    public func unregister(_ device: Device, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try delete(device, fileID: site.fileID, line: site.line)
        try device.put(fileID: site.fileID, line: site.line)
    }

    /// Unregisters every bus device without a parent, newest first (each takes its children and
    /// class devices with it): a whole board taken down. Returns what failed, by device name.
    @discardableResult
    public func unregisterAll(fileID: StaticString = #fileID, line: UInt = #line) -> [(device: String, error: DriverCoreError)] {
        var failures: [(device: String, error: DriverCoreError)] = []
        for device in devices.reversed() where device.parent == nil && device.bus != nil {
            do throws(DriverCoreError) {
                try unregister(device, fileID: fileID, line: line)
            } catch {
                failures.append((device.name, error))
            }
        }
        return failures
    }

    /// `device_shutdown()`: calls each bound driver's shutdown, children before parents.
    public func shutdownAll() {
        for device in devices.reversed() {
            guard let record = device.core.withLock({ $0.driver }) else { continue }
            record.driver.shutdown(device)
        }
    }
}
