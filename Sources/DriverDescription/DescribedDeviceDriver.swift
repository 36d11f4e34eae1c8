import DriverCore
import Instrumentation

/// A described driver as the driver core sees it: probe and remove run the described steps
/// on the binding thread, with the bound device for devres and drvdata.
///
/// A failing probe step fails the probe with its errno (devres then unwinds what the probe
/// allocated, as `really_probe` does); remove cannot fail — a step's error ends remove early
/// and is recorded as a warning event, as the kernel's void `remove()` would just return.
public final class DescribedDeviceDriver: DeviceDriver {
    public let spec: DescribedDriverSpec
    let world: DescribedWorld
    public var name: String { spec.name }
    public var idTable: [String] { spec.compatible }

    init(spec: DescribedDriverSpec, world: DescribedWorld) {
        self.spec = spec
        self.world = world
    }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        do {
            try run(spec.probe, "really_probe", "probe", on: device.device)
        } catch {
            world.setDrvdata(nil, device: device.device)
            throw .failed(error.errno, error.description)
        }
    }

    public func remove(_ device: borrowing BoundDevice) {
        do {
            try run(spec.remove, "device_release_driver", "remove", on: device.device)
        } catch {
            world.kernel.events.emit(.warning, object: device.device.id, name: device.device.name,
                                     detail: "\(spec.name).remove: \(error)", site: .model)
        }
        // device_unbind_cleanup() clears drvdata after remove and devres.
        world.setDrvdata(nil, device: device.device)
    }

    /// Runs one of the driver's functions as the core calls it (`caller(device) → name.what`),
    /// as the code of the driver's module.
    private func run(_ steps: [Step], _ caller: String, _ what: String, on device: Device) throws(DescribedError) {
        var frame = Frame(context: CallPath("\(caller)(\(device.name)) → \(spec.name).\(what)"), device: device)
        frame.module = world.module(named: spec.module)
        try Interpreter(world: world).runFunction(steps, &frame)
    }
}
