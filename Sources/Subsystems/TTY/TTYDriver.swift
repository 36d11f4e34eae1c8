import CharDev
import DriverCore
import Instrumentation

/// A tty driver's lines (`struct tty_driver` after `tty_register_driver`): the name prefix
/// (`ttyS`, `ttyUSB`) and the numbered ports registered on it, each `/dev/<prefix><n>` — or
/// a serdev controller when a serdev client is described under the provider.
///
/// **Register** (``registerPort(_:provider:serdev:fileID:line:)``) is
/// `tty_port_register_device_serdev` (drivers/tty/tty_port.c): the port is initialised, then
/// either a serdev controller claims it (no node: `serdev_tty_port_register` succeeded) or
/// its node is published, last. **Removal**, at the provider's unbind, is what the fixed
/// drivers do in `remove`/`disconnect` since the 8ee3fde047 revert moved serdev out of the
/// port's destructor: hang up the ttys (`tty_port_tty_vhangup`), then
/// `tty_port_unregister_device` (the serdev controller is removed, or the node unregistered
/// and its fence revoked — waiting only for calls in flight), then the driver's
/// `tty_port_put`. Open files keep the hung-up answers; the port's destructor runs at the
/// last put, which may be the last close. Nothing here waits for user space.
///
/// Thread-safe: the line table is a `SubsystemRegistry`.
public final class TTYDriver: Sendable {
    /// The node name prefix (`ttyS`).
    public let prefix: String
    public let namespace: DevNamespace
    /// The serdev bus controllers are registered on (nil: this driver supports no serdev).
    public let serdev: SerdevBus?
    /// `tty_driver->ttys`, by line.
    let registry: SubsystemRegistry<TTYLine>

    public init(prefix: String, lines: Range<Int> = 0..<32, namespace: DevNamespace, serdev: SerdevBus? = nil) {
        self.prefix = prefix
        self.namespace = namespace
        self.serdev = serdev
        registry = SubsystemRegistry(kind: "\(prefix) line", numbers: lines, events: namespace.kernel.events)
    }

    /// The registered lines, by number.
    public var lines: [TTYLine] { registry.objects }

    /// Registers a port driven by `ops` for the bound `provider` (`tty_port_init` +
    /// `tty_port_register_device_serdev`); with `serdev` naming a client device, a serdev
    /// controller claims the port and no node is created.
    ///
    /// - Returns: the line: its port and its node or serdev controller.
    /// - Throws: `DriverCoreError.registrationFailed` with the errno of what failed (ENOSPC
    ///   when every line is taken, EEXIST for a taken node); nothing stays registered then.
    @discardableResult
    public func registerPort(_ ops: any TTYPortOperations, provider: borrowing BoundDevice, serdev client: String? = nil,
                             fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> TTYLine {
        let parent = provider.device
        let site = CallSite(fileID: fileID, line: line)
        return try registry.register(provider: provider, action: "tty_port_unregister_device", fileID: fileID, line: line,
                                     make: { [self] (index) throws(FileError) in
            let port = TTYPort(name: "\(prefix)\(index)", index: index, kernel: namespace.kernel)
            let binding = TTYBinding(ops: ops, port: port)
            do throws(FileError) {
                try port.add(fileID: fileID, line: line)
            } catch {
                port.put(fileID: fileID, line: line)
                throw error
            }
            if let client {
                do throws(FileError) {
                    guard let serdev else { throw FileError(.EINVAL, "\(prefix): no serdev bus for client \(client)") }
                    let controller = try serdev.addController(binding, parent: parent, client: client, site: site)
                    return (TTYLine(port: port, cdev: controller.cdev, serdev: controller), [])
                } catch {
                    port.delete(fileID: fileID, line: line)
                    port.put(fileID: fileID, line: line)
                    throw error
                }
            }
            // The node's device holds the port from here until its release (after the last
            // close). A failed prepare releases its device itself, before this reference is
            // taken; the flag keeps that release from dropping one the node never held.
            let nodeHolds = Locked(false)
            let cdev: CharDevice
            do throws(FileError) {
                cdev = try CharDevice.prepare(name: port.name, parent: parent, namespace: namespace, operations: binding,
                                              gone: .hungUp, fileID: fileID, line: line) {
                    if nodeHolds.withLock({ held in defer { held = false }; return held }) { port.put() }
                }
                try port.get(fileID: fileID, line: line)
                nodeHolds.withLock { $0 = true }
            } catch {
                port.delete(fileID: fileID, line: line)
                port.put(fileID: fileID, line: line)  // the registration's: the destructor runs
                throw error
            }
            port.setWake { cdev.notify() }
            return (TTYLine(port: port, cdev: cdev, serdev: nil), [cdev])
        }, remove: { [self] line in
            removeLine(line, site: site)
        })
    }

    /// `tty_port_tty_vhangup` + `tty_port_unregister_device` + the driver's `tty_port_put`.
    func removeLine(_ line: TTYLine, site: CallSite) {
        registry.remove(line, fileID: site.fileID, line: site.line) {
            line.port.hangup(fileID: site.fileID, line: site.line)
            if let controller = line.serdev {
                controller.remove(site: site)
            } else {
                line.cdev.unregister(fileID: site.fileID, line: site.line)
            }
            line.port.delete(fileID: site.fileID, line: site.line)
            line.port.put(fileID: site.fileID, line: site.line)
        }
    }
}

/// A registered line: the port and what user space or a serdev client reaches it through.
public final class TTYLine: Sendable, CustomStringConvertible {
    public let port: TTYPort
    /// The node (`/dev/ttyS0`), or the serdev controller's unpublished device: the fence.
    public let cdev: CharDevice
    /// The serdev controller that claimed the port, if any.
    public let serdev: SerdevController?

    init(port: TTYPort, cdev: CharDevice, serdev: SerdevController?) {
        self.port = port
        self.cdev = cdev
        self.serdev = serdev
    }

    public var name: String { port.name }
    public var description: String { name }
    /// False once the provider unbound.
    public var isAlive: Bool { cdev.isAlive }
}
