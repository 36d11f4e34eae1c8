import CharDev
import DriverCore
import Instrumentation
import Testing

/// `fops->owner` (fs/char_dev.c `chrdev_open` → `fops_get`, `__fput` → `fops_put`): an open
/// file pins the module whose code its operations are.
@Suite struct ModuleOwnerTests {
    /// Operations that live in `module`: each call runs as the module's code.
    final class OwnedOps: FileOperations {
        let owner: Module?
        init(owner: Module?) { self.owner = owner }
        func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
            guard let owner else { return [1] }
            do { return try owner.execute("read") { [1] } } catch { throw FileError(.EFAULT, "\(error)") }
        }
    }

    /// The module registers a misc-style node in its init and unregisters it in its exit.
    static func load(_ kernel: Kernel, _ ns: DevNamespace) throws -> Module {
        let cdev = Locked<CharDevice?>(nil)
        let holder = Locked<Module?>(nil)
        let module = try kernel.loadModule("echo_mod", initialize: {}, exit: { cdev.withLock { $0?.unregister() } })
        holder.withLock { $0 = module }
        let node = try CharDevice.register(name: "echo", parent: nil, namespace: ns, operations: OwnedOps(owner: module))
        cdev.withLock { $0 = node }
        return module
    }

    /// The canonical case: open → unload (refused) → call → close → unload.
    @Test func anOpenFileKeepsTheModuleLoaded() throws {
        let kernel = Kernel()
        let recorder = EventRecorder()
        kernel.events.attach(recorder)
        let ns = DevNamespace(kernel: kernel)
        let module = try Self.load(kernel, ns)
        let file = try ns.open("/dev/echo")
        #expect(module.referenceCount == 1)
        #expect(throws: DriverCoreError.moduleBusy(module: "echo_mod", errno: .EWOULDBLOCK, reason: "1 reference(s) held", site: .model)) {
            try kernel.deleteModule("echo_mod")
        }
        #expect(try file.read() == [1])
        try file.close()
        #expect(module.referenceCount == 0)
        try kernel.deleteModule("echo_mod")
        #expect(recorder.events(.memoryUseAfterFree).isEmpty)
        #expect(!ns.contains("/dev/echo"))
    }

    /// An open while the module is not live fails before anything of the module runs.
    @Test func openOfANodeWhoseModuleIsGoneIsENXIO() throws {
        let kernel = Kernel()
        let ns = DevNamespace(kernel: kernel)
        // The node outlives its module (an exit that forgot to unregister it).
        let module = try kernel.loadModule("leaky_mod")
        let cdev = try CharDevice.register(name: "leaky", parent: nil, namespace: ns, operations: OwnedOps(owner: module))
        try kernel.deleteModule("leaky_mod")
        #expect(throws: FileError(.ENXIO, "")) { try ns.open("/dev/leaky") }
        #expect(cdev.openFileCount == 0)
        #expect(throws: FileError(.ENOENT, "")) { try cdev.openAnonymous(name: "anon", privateData: nil) }
    }
}
