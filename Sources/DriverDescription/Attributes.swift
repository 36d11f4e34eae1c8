import DriverCore
import Instrumentation

/// sysfs attribute files of described drivers (`device_create_file` / `device_remove_file`),
/// on the core's sysfs: each callback runs inside the file's active reference, and removal
/// waits for callbacks in flight and then refuses new ones (fs/kernfs/dir.c `kernfs_drain`).
/// What the callbacks touch is checked like any described step, so a callback that runs
/// after remove() freed its data (class P9) is a use after free with its trail.
extension Interpreter {
    func createFile(_ name: String, show: String?, store: String?, _ frame: Frame) throws(DescribedError) {
        guard let device = frame.device else { throw .invalid("device_create_file with no bound device") }
        let world = self.world
        let module = frame.module
        // Runs `function` as the callback of `operation` on `device`, with its drvdata as `self`.
        let callback: @Sendable (String, String, Device) throws(SysfsError) -> Void = { function, operation, device throws(SysfsError) in
            var callee = Frame(context: CallPath("\(operation) \(device.name)/\(name) → \(function)"), device: device,
                               locals: ["self": world.getDrvdata(device)])
            callee.module = module
            do throws(DescribedError) {
                try Interpreter(world: world).runFunction(world.description.functions[function] ?? [], &callee)
            } catch {
                throw SysfsError(error.errno, error.description)
            }
        }
        var showCallback: DeviceAttribute.Show?
        if let show {
            showCallback = { (d: Device) throws(SysfsError) -> String in
                try callback(show, "show", d)
                return ""
            }
        }
        var storeCallback: DeviceAttribute.Store?
        if let store {
            storeCallback = { (d: Device, value: String) throws(SysfsError) -> Int in
                try callback(store, "store", d)
                return value.utf8.count
            }
        }
        let attribute = DeviceAttribute(name, show: showCallback, store: storeCallback)
        do throws(SysfsError) {
            try world.kernel.sysfs.createGroup(AttributeGroup(attributes: [attribute]), on: device)
        } catch {
            throw .errno(error.errno, "device_create_file(\(name)): \(error.message)")
        }
        world.attributeFiles.withLock { $0["\(device.id.raw)/\(name)"] = attribute }
    }

    func removeFile(_ name: String, _ frame: Frame) throws(DescribedError) {
        guard let device = frame.device else { throw .invalid("device_remove_file with no bound device") }
        guard let attribute = world.attributeFiles.withLock({ $0.removeValue(forKey: "\(device.id.raw)/\(name)") }) else {
            throw .invalid("device_remove_file(\(name)): no such file on \(device.name)")
        }
        world.kernel.sysfs.removeGroup(AttributeGroup(attributes: [attribute]), from: device)
    }
}
