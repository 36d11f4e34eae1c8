import Instrumentation

/// A bus type (`struct bus_type`): how devices and drivers meet.
///
/// Matching is by index, never by scanning every driver: a device is indexed under each of
/// its ``Device/matchIDs`` and its ``Device/matchName``, a driver under each entry of its id
/// table and its name; `driver_override` bypasses both (as platform_match does). A bus may
/// refine candidates with `match` (e.g. a USB interface class check), and may interpose its
/// own `probe`/`remove` around the driver's (as `bus->probe` does in really_probe).
public final class Bus: Sendable, CustomStringConvertible {
    public typealias Match = @Sendable (Device, any DeviceDriver) -> Bool
    public typealias Probe = @Sendable (borrowing BoundDevice, any DeviceDriver) throws(ProbeError) -> Void
    public typealias Remove = @Sendable (borrowing BoundDevice, any DeviceDriver) -> Void

    public let name: String
    /// Probe matching devices automatically on add and on driver registration.
    public let autoprobe: Bool
    let match: Match?
    let probe: Probe?
    let remove: Remove?

    public init(name: String, autoprobe: Bool = true, match: Match? = nil, probe: Probe? = nil, remove: Remove? = nil) {
        self.name = name
        self.autoprobe = autoprobe
        self.match = match
        self.probe = probe
        self.remove = remove
    }

    public var description: String { name }
}
