import Instrumentation

/// Why a probe did not bind.
public enum ProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// -EPROBE_DEFER: a dependency is not ready; retried whenever another probe succeeds.
    case deferred(String)
    /// -ENODEV / -ENXIO: the driver quietly rejects the match; the next driver is tried.
    case rejected(Errno)
    /// Any other error: logged as a probe failure.
    case failed(Errno, String)

    public var errno: Errno {
        switch self {
        case .deferred: .EPROBE_DEFER
        case .rejected(let e): e
        case .failed(let e, _): e
        }
    }

    public var description: String {
        switch self {
        case .deferred(let r): "EPROBE_DEFER (\(r))"
        case .rejected(let e): "\(e) (rejects match)"
        case .failed(let e, let m): "\(e) (\(m))"
        }
    }
}

/// A device driver: the kernel's `struct device_driver`.
///
/// `probe` receives a ``BoundDevice`` proof; resources it acquires through `devres` are
/// released newest-first after `remove` (or at once if probe fails, in which case `remove`
/// is not called — dd.c `really_probe`). Implementations must be thread-safe: probe and
/// remove of *different* devices can run concurrently; the core serialises them per device
/// with the device lock.
public protocol DeviceDriver: AnyObject, Sendable {
    var name: String { get }
    /// Identifiers this driver binds to (compatible strings / modaliases).
    var idTable: [String] { get }
    /// `suppress_bind_attrs`: no manual bind/unbind through sysfs.
    var suppressBindAttributes: Bool { get }
    /// `dev_groups`: attribute groups the core creates on the device after a successful probe
    /// and removes before `remove()`, draining their callbacks (drivers/base/dd.c).
    var deviceGroups: [AttributeGroup] { get }
    func probe(_ device: borrowing BoundDevice) throws(ProbeError)
    func remove(_ device: borrowing BoundDevice)
    func shutdown(_ device: Device)
}

extension DeviceDriver {
    public var idTable: [String] { [] }
    public var suppressBindAttributes: Bool { false }
    public var deviceGroups: [AttributeGroup] { [] }
    public func remove(_ device: borrowing BoundDevice) {}
    public func shutdown(_ device: Device) {}
}

/// A driver made of closures: convenient for tests, scenarios and simulated hardware.
public final class ClosureDriver: DeviceDriver {
    public typealias Probe = @Sendable (borrowing BoundDevice) throws(ProbeError) -> Void
    public typealias Remove = @Sendable (borrowing BoundDevice) -> Void

    public let name: String
    public let idTable: [String]
    public let suppressBindAttributes: Bool
    public let deviceGroups: [AttributeGroup]
    private let onProbe: Probe
    private let onRemove: Remove
    private let onShutdown: @Sendable (Device) -> Void

    public init(name: String, idTable: [String] = [], suppressBindAttributes: Bool = false,
                deviceGroups: [AttributeGroup] = [],
                probe: @escaping Probe = { _ throws(ProbeError) in },
                remove: @escaping Remove = { _ in },
                shutdown: @escaping @Sendable (Device) -> Void = { _ in }) {
        self.name = name
        self.idTable = idTable
        self.suppressBindAttributes = suppressBindAttributes
        self.deviceGroups = deviceGroups
        self.onProbe = probe
        self.onRemove = remove
        self.onShutdown = shutdown
    }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) { try onProbe(device) }
    public func remove(_ device: borrowing BoundDevice) { onRemove(device) }
    public func shutdown(_ device: Device) { onShutdown(device) }
}

/// A registered driver: the driver plus what the core keeps about it.
final class DriverRecord: Sendable {
    let driver: any DeviceDriver
    let bus: Bus
    /// Registration order: a device binds to the first matching driver registered.
    let sequence: UInt64

    init(driver: any DeviceDriver, bus: Bus, sequence: UInt64) {
        self.driver = driver
        self.bus = bus
        self.sequence = sequence
    }

    /// Keys under which this driver is indexed on its bus.
    var matchKeys: [String] { driver.idTable.map { "id:" + $0 } + ["name:" + driver.name] }
}

extension ProbeError {
    /// Runs a stretch of probe code that mixes probe steps and driver-core calls, turning a
    /// driver-core error into the probe failure really_probe would report (its errno kept).
    public static func mapping<R>(_ body: () throws -> R) throws(ProbeError) -> R {
        do {
            return try body()
        } catch let error as ProbeError {
            throw error
        } catch let error as DriverCoreError {
            throw .failed(error.errno, error.message)
        } catch {
            throw .failed(.EIO, "\(error)")
        }
    }
}
