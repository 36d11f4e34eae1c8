import ScenarioModel
import CharDev
import DriverCore
import Instrumentation
import SimHardware
import Subsystems

// The one scenario driver that is not simulated hardware: a platform driver the scenario file
// describes (its devres actions, supplies, a failing probe). The built-in ones are in SimHardware.

/// A platform driver described by a ``DriverSpec``: defers until its supplies are provided,
/// registers its devres actions in order, publishes its supplies, then fails if told to.
final class ScenarioPlatformDriver: DeviceDriver {
    let spec: DriverSpec
    let supplies: Locked<[String: String]>
    var name: String { spec.name }
    var idTable: [String] { spec.compatible }

    init(spec: DriverSpec, supplies: Locked<[String: String]>) {
        self.spec = spec
        self.supplies = supplies
    }

    func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let available = supplies.withLock { $0 }
        if let missing = spec.needs.first(where: { available[$0] == nil }) {
            throw .deferred("supply \(missing) not found")
        }
        let supplies = self.supplies
        let owner = device.device.name
        try ProbeError.mapping {
            for action in spec.devres { try device.devres.addAction(ActionKey(action)) {} }
            for supply in spec.provides {
                supplies.withLock { $0[supply] = owner }
                try device.devres.addActionOrReset(ActionKey("unregister supply \(supply)")) {
                    supplies.withLock { if $0[supply] == owner { $0[supply] = nil } }
                }
            }
        }
        // After its resources: a failing probe shows devres unwinding them, newest first.
        if let e = spec.failProbe, let errno = Errno(name: e) { throw .failed(errno, "probe fails by design") }
    }
}
