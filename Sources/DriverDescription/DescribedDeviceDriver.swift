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
        var frame = Frame(context: CallPath("really_probe(\(device.device.name)) → \(spec.name).probe"),
                          device: device.device)
        frame.module = world.module(named: spec.module)
        do {
            try Interpreter(world: world).runFunction(spec.probe, &frame)
        } catch {
            world.setDrvdata(nil, device: device.device)
            throw .failed(error.errno, error.description)
        }
    }

    public func remove(_ device: borrowing BoundDevice) {
        var frame = Frame(context: CallPath("device_release_driver(\(device.device.name)) → \(spec.name).remove"),
                          device: device.device)
        frame.module = world.module(named: spec.module)
        do {
            try Interpreter(world: world).runFunction(spec.remove, &frame)
        } catch {
            world.kernel.events.emit(.warning, object: device.device.id, name: device.device.name,
                                     detail: "\(spec.name).remove: \(error)", site: .model)
        }
        // device_unbind_cleanup() clears drvdata after remove and devres.
        world.setDrvdata(nil, device: device.device)
    }
}
