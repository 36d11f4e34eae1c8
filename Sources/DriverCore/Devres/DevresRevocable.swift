import Instrumentation
import Revocable

/// A resource of a bound device, revoked automatically when the device unbinds: the Rust
/// `Devres<T>` idea (rust/kernel/devres.rs) on top of `Revocable`.
///
/// Created in probe with a ``BoundDevice`` proof. It registers a devres action, so the revoke
/// happens at its place in the devres release order (newest first, after `remove()`): by the
/// time unbind returns, no access can see the resource and every access that saw it has left.
///
/// Two ways in:
/// - ``access(_:fileID:line:)`` with a *current* bound-device proof of the same device: the
///   proof shows the binding (and so the resource) is alive for the whole callback, so this
///   never fails for a valid proof and never waits — Rust's `Devres::access(&Device<Bound>)`.
///   (It still reads through the fence, ~1 ns, rather than keep a second copy.)
/// - ``withAccess(_:)`` and friends from anywhere else (a file operation, another driver's
///   consumer handle): through the revocation fence; `nil` / ENODEV once revoked.
///
/// Cost: one `Revocable` (64 bytes) plus one devres node. Thread-safe.
public final class DevresRevocable<Resource: Sendable>: Sendable {
    public let revocable: Revocable<Resource>
    let deviceID: ObjectID
    let deviceName: String

    /// Registers `resource` on the bound device; `teardown` runs once after the grace period
    /// of the revoke at unbind. Fails (and tears the resource down at once, like
    /// `devm_add_action_or_reset`) if the devres node cannot be registered or the proof is stale.
    public init(_ resource: Resource, name: String, on device: borrowing BoundDevice,
                fileID: StaticString = #fileID, line: UInt = #line,
                teardown: (@Sendable (Resource) -> Void)? = nil) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        let revocable = Revocable(resource, name: name, events: device.device.kernel.events, teardown: teardown)
        self.revocable = revocable
        self.deviceID = device.device.id
        self.deviceName = device.device.name
        do {
            try device.check("register a devres revocable", fileID: fileID, line: line)
        } catch {
            _ = try? revocable.revoke(site: site)
            throw error
        }
        try device.devres.addActionOrReset(ActionKey("devres_revoke(\(name))", data: revocable),
                                           fileID: fileID, line: line) {
            // Not from inside an access to this revocable: devres runs on the unbinding thread.
            _ = try? revocable.revoke(site: site)
        }
    }

    /// The resource, without any fence, for code that holds a current proof that the device
    /// is bound. A stale proof or one of another device is refused.
    public func access(_ device: borrowing BoundDevice, fileID: StaticString = #fileID,
                       line: UInt = #line) throws(DriverCoreError) -> Resource {
        let site = CallSite(fileID: fileID, line: line)
        guard device.device.id == deviceID else {
            throw DriverCoreError.invalidArgument(
                "bound-device proof of \(device.device.name) used for a resource of \(deviceName)", site: site)
        }
        try device.check("access devres revocable", fileID: fileID, line: line)
        // The binding is current, so the unbind that revokes has not started its devres
        // release; reading outside the fence is safe for as long as the callback runs.
        guard let value = revocable.withAccess({ $0 }) else {
            throw DriverCoreError.staleBinding(device: deviceName, operation: "access revoked resource", site: site)
        }
        return value
    }

    /// Through the fence: `body` gets the resource, or `nil` once the device unbound.
    @inlinable
    public func withAccess<R, E: Error>(_ body: (Resource?) throws(E) -> R) throws(E) -> R {
        try revocable.withAccess(body)
    }

    /// Through the fence; throws `RevocableError.revoked` (ENODEV) once the device unbound.
    @inlinable
    public func withAccessOrENODEV<R>(_ body: (Resource) throws(RevocableError) -> R) throws(RevocableError) -> R {
        try revocable.withAccessOrENODEV(body)
    }

    public var isRevoked: Bool { revocable.isRevoked }
}
