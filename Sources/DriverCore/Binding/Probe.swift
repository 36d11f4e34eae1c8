import Instrumentation

/// What one probe attempt did.
enum ProbeOutcome: Equatable {
    case bound
    case deferred(String)
    case failed(ProbeError)
    /// The device was not in a state to probe (already bound, deleted): nothing happened.
    case skipped
}

/// The bind sequence of drivers/base/dd.c (`__device_attach`, `__driver_attach`,
/// `really_probe`, `device_unbind_cleanup`).
extension Kernel {
    /// `bus_probe_device` / `device_attach`: tries matching drivers in registration order
    /// until one binds. A probe that fails or defers lets the next driver try (really_probe
    /// returns a positive error); a deferral also queues the device for retry.
    func attach(_ device: Device, site: CallSite) {
        guard let bus = device.bus else { return }
        let candidates = registry.withLock { r in
            r.buses[bus.name]?.candidates(for: device, override: device.driverOverride) ?? []
        }
        for record in candidates {
            if probe(device, with: record, site: site) == .bound { return }
        }
    }

    /// `driver_attach`: offers the driver every matching unbound device.
    func attachDriver(_ record: DriverRecord, site: CallSite) {
        let ids = registry.withLock { r in r.buses[record.bus.name]?.candidateDevices(for: record) ?? [] }
        for id in ids {
            guard let device = self.device(id: id) else { continue }
            let eligible = device.driverOverride.map { $0 == record.driver.name } ?? true
            guard eligible, device.core.withLock({ $0.driver == nil }) else { continue }
            _ = probe(device, with: record, site: site)
        }
    }

    /// `driver_probe_device` → `really_probe`, under the device lock, then (unlocked) the
    /// deferred-probe trigger that every successful bind fires.
    @discardableResult
    func probe(_ device: Device, with record: DriverRecord, site: CallSite) -> ProbeOutcome {
        let outcome = device.lock.withLock(site: site) { reallyProbe(device, with: record, site: site) }
        switch outcome {
        case .bound:
            registry.withLock { $0.deferred.removeAll { $0.id == device.id } }
            supplierBound(device, site: site)
            triggerDeferredProbe(site: site)
        case .deferred(let reason):
            registry.withLock { r in
                if let i = r.deferred.firstIndex(where: { $0.id == device.id }) {
                    r.deferred[i].reason = reason
                } else {
                    r.deferred.append((device.id, reason))
                }
            }
            events.emit(.probeDeferred, object: device.id, name: device.name, detail: reason, site: site)
        case .failed, .skipped:
            break
        }
        return outcome
    }

    /// `really_probe`. Called with the device lock held.
    private func reallyProbe(_ device: Device, with record: DriverRecord, site: CallSite) -> ProbeOutcome {
        let state = device.state
        guard state == .added || state == .unbound,
              device.core.withLock({ $0.driver == nil && !$0.dead }) else { return .skipped }
        if let reason = waitingSupplier(of: device) {
            return .deferred(reason)
        }
        // dd.c refuses to probe over leftover resources: they would be released by the wrong
        // binding's cleanup.
        if !device.devres.isEmpty {
            warn(deviceID: device.id, deviceName: device.name, "Resources present before probing", site: site)
            events.emit(.probeResult, object: device.id, name: device.name, detail: "\(record.driver.name): EBUSY", site: site)
            return .failed(.failed(.EBUSY, "Resources present before probing"))
        }
        var result = runProbe(device, with: record, site: site)
        if result == .bound, testDriverRemove {
            // CONFIG_DEBUG_TEST_DRIVER_REMOVE: full remove + cleanup, then probe again once.
            runRemove(device, record: record, site: site)
            result = runProbe(device, with: record, site: site)
        }
        return result
    }

    /// Sets the driver, calls probe with a fresh bound-device proof, and on failure unwinds
    /// exactly as dd.c does: remove is *not* called, devres is released newest-first, the
    /// driver pointer is cleared.
    private func runProbe(_ device: Device, with record: DriverRecord, site: CallSite) -> ProbeOutcome {
        let (epoch, prior) = device.core.withLock { c in
            let prior = c.state
            c.driver = record
            c.epoch &+= 1
            c.state = .probing
            return (c.epoch, prior)
        }
        linksConsumerProbing(device)
        events.emit(.probeStart, object: device.id, name: device.name, detail: record.driver.name, site: site)
        let error: ProbeError? = ProbeContext.with(device.id) { () -> ProbeError? in
            let proof = BoundDevice(device: device, epoch: epoch)
            do throws(ProbeError) {
                if let busProbe = record.bus.probe {
                    try busProbe(proof, record.driver)
                } else {
                    try record.driver.probe(proof)
                }
                // really_probe: the driver's dev_groups appear only once probe succeeded; if
                // they cannot be created the driver is removed again (dev_groups_failed).
                do throws(SysfsError) {
                    try sysfs.addGroups(record.driver.deviceGroups, on: device, fileID: site.fileID, line: site.line)
                } catch {
                    warn(deviceID: device.id, deviceName: device.name, "device_add_groups() failed: \(error)", site: site)
                    callRemove(proof, record)
                    return .failed(error.errno, "device_add_groups() failed: \(error.message)")
                }
                return nil
            } catch {
                return error
            }
        }
        if let error {
            events.emit(.probeResult, object: device.id, name: device.name,
                        detail: "\(record.driver.name): \(error.errno)", site: site)
            if case .failed(let e, let message) = error {
                warn(deviceID: device.id, deviceName: device.name,
                     "probe with driver \(record.driver.name) failed with error \(e): \(message)", site: site)
            }
            unbindCleanup(device, newState: prior, site: site)
            linksConsumerProbeFailed(device)
            if case .deferred(let reason) = error { return .deferred(reason) }
            return .failed(error)
        }
        device.core.withLock { $0.state = .bound }
        events.emit(.probeResult, object: device.id, name: device.name, detail: "\(record.driver.name): 0", site: site)
        events.emit(.bind, object: device.id, name: device.name, detail: record.driver.name, site: site)
        linksConsumerBound(device)
        return .bound
    }

    /// `device_remove` + `device_unbind_cleanup`, with the device lock held.
    func runRemove(_ device: Device, record: DriverRecord, site: CallSite) {
        let epoch = device.core.withLock { c in
            c.state = .unbinding
            return c.epoch
        }
        events.emit(.removeStart, object: device.id, name: device.name, detail: record.driver.name, site: site)
        // __device_release_driver: the dev_groups go (their callbacks in flight drained)
        // before remove() frees what they use.
        sysfs.removeGroups(record.driver.deviceGroups, from: device, fileID: site.fileID, line: site.line)
        callRemove(BoundDevice(device: device, epoch: epoch), record)
        unbindCleanup(device, newState: .unbound, site: site)
    }

    /// `device_remove`: the bus's remove, or the driver's.
    private func callRemove(_ proof: borrowing BoundDevice, _ record: DriverRecord) {
        if let busRemove = record.bus.remove {
            busRemove(proof, record.driver)
        } else {
            record.driver.remove(proof)
        }
    }

    /// `device_unbind_cleanup`: devres newest-first, then driver and driver data cleared and
    /// the binding's epoch ended (every ``BoundDevice`` of it becomes stale).
    private func unbindCleanup(_ device: Device, newState: DeviceState, site: CallSite) {
        device.devres.releaseAll(site: site)
        device.core.withLock { c in
            c.driver = nil
            c.driverData = nil
            c.epoch &+= 1
            c.state = newState
        }
    }
}
