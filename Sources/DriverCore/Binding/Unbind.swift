import Instrumentation

/// The unbind sequence (dd.c `__device_release_driver`): consumers first, then under the
/// device lock `remove()`, devres newest-first, driver pointer cleared. The device object
/// survives and can be probed again.
extension Kernel {
    /// Unbinds `device` if it is bound; a no-op otherwise. May block (remove and devres
    /// release callbacks run on this thread).
    func releaseDriver(_ device: Device, site: CallSite) {
        unbindConsumers(of: device, site: site)
        device.lock.withLock(site: site) {
            guard device.state == .bound, let record = device.core.withLock({ $0.driver }) else { return }
            runRemove(device, record: record, site: site)
            events.emit(.unbind, object: device.id, name: device.name, detail: record.driver.name, site: site)
        }
        linksDeviceUnbound(device, site: site)
    }

    // MARK: sysfs-like manual binding

    /// The sysfs `bind` file of a driver: binds `device` to the named driver if it matches.
    public func bind(_ device: Device, to driverName: String, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try device.checkNotReleased("bind", site: site)
        guard let bus = device.bus, let record = driverRecord(named: driverName, on: bus) else {
            throw DriverCoreError.unknown(kind: "driver", name: driverName, site: site)
        }
        guard !record.driver.suppressBindAttributes else {
            throw DriverCoreError.bindAttributesSuppressed(driver: driverName, site: site)
        }
        guard device.state.isPresent else {
            throw DriverCoreError.invalidState(device: device.name, operation: "bind", state: device.state, site: site)
        }
        if let current = device.driverName {
            throw DriverCoreError.alreadyBound(device: device.name, driver: current, site: site)
        }
        let matches = registry.withLock { r in
            r.buses[bus.name]?.candidates(for: device, override: device.driverOverride).contains { $0 === record } ?? false
        }
        guard matches else { throw DriverCoreError.noMatch(device: device.name, driver: driverName, site: site) }
        switch probe(device, with: record, site: site) {
        case .bound: return
        case .deferred(let reason):
            throw DriverCoreError.probeFailed(device: device.name, driver: driverName, errno: .EPROBE_DEFER, reason: reason)
        case .failed(let error):
            throw DriverCoreError.probeFailed(device: device.name, driver: driverName, errno: error.errno,
                                              reason: error.description)
        case .skipped:
            throw DriverCoreError.invalidState(device: device.name, operation: "bind", state: device.state, site: site)
        }
    }

    /// The sysfs `unbind` file of a driver: unbinds `device`. Returns once remove and devres
    /// release have run — never waits for users (open files, other drivers' handles).
    public func unbind(_ device: Device, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try device.checkNotReleased("unbind", site: site)
        guard let record = device.core.withLock({ $0.driver }), device.state == .bound else {
            throw DriverCoreError.notBound(device: device.name, site: site)
        }
        guard !record.driver.suppressBindAttributes else {
            throw DriverCoreError.bindAttributesSuppressed(driver: record.driver.name, site: site)
        }
        releaseDriver(device, site: site)
    }

    /// The sysfs `driver_override` file: only the named driver may bind from now on (nil
    /// restores normal matching). Does not unbind a bound driver, as in the kernel.
    public func setDriverOverride(_ device: Device, _ driverName: String?, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try device.checkNotReleased("set driver_override", site: site)
        if let driverName, driverName.isEmpty {
            throw DriverCoreError.invalidArgument("empty driver_override", site: site)
        }
        registry.withLock { r in
            let old = device.driverOverride
            if let bus = device.bus, device.state.isPresent {
                r.buses[bus.name]?.unindex(device, override: old)
                r.buses[bus.name]?.index(device, override: driverName)
            }
            device.core.withLock { $0.driverOverride = driverName }
        }
    }

    // MARK: Driver registration

    /// `driver_register()`: publishes the driver and binds every matching unbound device.
    public func registerDriver(_ driver: any DeviceDriver, on bus: Bus, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        let record = try registry.withLock { r throws(DriverCoreError) -> DriverRecord in
            guard let index = r.buses[bus.name], index.bus === bus else {
                throw DriverCoreError.unknown(kind: "bus", name: bus.name, site: site)
            }
            guard index.driversByName[driver.name] == nil else {
                throw DriverCoreError.alreadyRegistered(kind: "driver", name: driver.name, site: site)
            }
            r.driverSequence += 1
            let record = DriverRecord(driver: driver, bus: bus, sequence: r.driverSequence)
            index.driversByName[driver.name] = record
            for key in record.matchKeys { index.driversByKey[key, default: []].append(record) }
            return record
        }
        events.emit(.driverRegister, object: .init(raw: 0), name: driver.name, detail: "bus=\(bus.name)", site: site)
        if bus.autoprobe { attachDriver(record, site: site) }
    }

    /// `driver_unregister()`: unbinds every device bound to the driver, then forgets it.
    public func unregisterDriver(_ driver: any DeviceDriver, on bus: Bus, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        guard let record = driverRecord(named: driver.name, on: bus), record.driver === driver else {
            throw DriverCoreError.unknown(kind: "driver", name: driver.name, site: site)
        }
        registry.withLock { r in
            guard let index = r.buses[bus.name] else { return }
            index.driversByName[driver.name] = nil
            for key in record.matchKeys { index.driversByKey[key]?.removeAll { $0 === record } }
        }
        for device in devices.reversed() where device.core.withLock({ $0.driver === record }) {
            releaseDriver(device, site: site)
        }
        events.emit(.driverUnregister, object: .init(raw: 0), name: driver.name, detail: "bus=\(bus.name)", site: site)
    }
}
