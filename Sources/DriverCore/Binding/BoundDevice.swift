import Instrumentation

/// Proof that a device is bound (the Rust `Device<Bound>` idea, rust/kernel/device.rs): a token that
/// exists only inside probe, remove and other bound callbacks, and that bound-only APIs
/// require.
///
/// It is `~Copyable` and handed to callbacks as `borrowing`, so the compiler rejects storing
/// it, returning it or capturing it in an escaping closure: it cannot outlive the callback.
/// It also carries the binding's epoch, so even a proof smuggled out by other means is
/// refused with ``DriverCoreError/staleBinding(device:operation:site:)`` once the binding
/// has ended. Cost: two words; checks are one internal lock.
public struct BoundDevice: ~Copyable {
    public let device: Device
    let epoch: UInt64

    init(device: Device, epoch: UInt64) {
        self.device = device
        self.epoch = epoch
    }

    /// True while the binding this proof belongs to has not ended.
    public var isCurrent: Bool { device.core.withLock { $0.epoch == epoch && $0.driver != nil } }

    /// Throws unless this proof's binding is still the device's current one.
    public func check(_ operation: String, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        guard isCurrent else {
            throw DriverCoreError.staleBinding(device: device.name, operation: operation, site: site)
        }
    }

    /// `dev_set_drvdata()`: driver data lives for the bound lifetime and is cleared at unbind.
    public func setDriverData(_ data: (any Sendable)?, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try check("set driver data", fileID: site.fileID, line: site.line)
        device.core.withLock { $0.driverData = data }
    }

    public func driverData<T>(as type: T.Type, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> T? {

        let site = CallSite(fileID: fileID, line: line)
        try check("read driver data", fileID: site.fileID, line: site.line)
        return device.core.withLock { $0.driverData as? T }
    }

    /// The device's devres, for resources of this binding.
    public var devres: Devres { device.devres }

    /// One named step of a probe: an injectable point (see ``FaultInjector``). A probe that
    /// marks each step this way can be swept by failing the 1st, 2nd, … step.
    public func step(_ name: String, fileID: StaticString = #fileID, line: UInt = #line) throws(ProbeError) {
        let site = CallSite(fileID: fileID, line: line)
        if device.kernel.faults.shouldFail(.probeStep, name: name, device: device.name, site: site) {
            throw ProbeError.failed(.EIO, "injected failure at probe step '\(name)'")
        }
    }
}
