import CharDev
import DriverCore
import Instrumentation

/// A registered misc device (`struct miscdevice`): a name, the shared major and a minor, and
/// the `CharDevice` behind `/dev/<name>`.
public final class MiscDevice: Sendable, CustomStringConvertible {
    public let name: String
    public let minor: Int
    public let cdev: CharDevice
    public var major: Int { MiscCore.major }
    public var description: String { "\(name) (\(major):\(minor))" }
    /// False once deregistered.
    public var isRegistered: Bool { cdev.isAlive }

    init(name: String, minor: Int, cdev: CharDevice) {
        self.name = name
        self.minor = minor
        self.cdev = cdev
    }
}

/// The misc character-device layer (drivers/char/misc.c): every misc device shares major 10
/// and gets a minor of its own — a requested static one, or the lowest free dynamic one.
///
/// What the kernel's shared namespace guarantees: `misc_open` looks the minor up and swaps in
/// the device's fops under `misc_mtx`, so `misc_deregister` fences *open* only; every other
/// fop on an already-open file runs unfenced, because all misc devices share one cdev and
/// cdev-level revocation cannot work for misc (drivers/char/misc.c: `misc_open()` runs under `misc_mtx`). Here each misc device still gets
/// its own `CharDevice` fence, so the model guarantees more: after deregistration *every*
/// fop returns ENODEV. What neither guarantees: a name or minor is not an identity — after a
/// deregistration both are reused, and a fresh open resolves to whatever owns them now (old
/// files stay bound to their old object).
///
/// Thread-safe. Cost: one lock per register/deregister; opens cost what `DevNamespace` costs.
public final class MiscCore: Sendable {
    /// MISC_MAJOR.
    public static let major = 10
    public let namespace: DevNamespace
    /// The minors handed out dynamically, lowest free first. (misc.c allocates its dynamic
    /// minors from an IDA range of its own; the order is a model choice.)
    public var dynamicMinors: Range<Int> { registry.numbers }
    /// `misc_list` under `misc_mtx`, with the minor allocator.
    let registry: SubsystemRegistry<MiscDevice>

    public init(namespace: DevNamespace, dynamicMinors: Range<Int> = 0..<64) {
        self.namespace = namespace
        // misc_register answers EBUSY, not the IDA's ENOSPC, when no dynamic minor is free.
        registry = SubsystemRegistry(kind: "misc minor", numbers: dynamicMinors, whenFull: .EBUSY,
                                     events: namespace.kernel.events)
    }

    /// Registered misc devices, by minor.
    public var devices: [MiscDevice] { registry.objects }

    /// `misc_register` for a bound `provider`, deregistered by a devres action at its unbind
    /// (or earlier by ``deregister(_:fileID:line:)``). `operations` are the driver's fops —
    /// bound scope, reached only inside the device's fence. The node is published last.
    ///
    /// May block: no. - Throws: `DriverCoreError.registrationFailed`
    /// with EBUSY if `minor` is taken or no dynamic minor is free, EEXIST if the name is
    /// (nothing stays registered then).
    @discardableResult
    public func register(name: String, minor requested: Int? = nil, operations: any FileOperations,
                         provider: borrowing BoundDevice,
                         fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> MiscDevice {
        let parent = provider.device
        return try registry.register(number: requested, provider: provider, action: "misc_deregister",
                                     fileID: fileID, line: line, make: { [namespace] (minor) throws(FileError) in
            let cdev = try CharDevice.prepare(name: name, parent: parent, namespace: namespace,
                                              operations: operations, fileID: fileID, line: line)
            return (MiscDevice(name: name, minor: minor, cdev: cdev), [cdev])
        }, remove: { [self] misc in
            deregister(misc, fileID: fileID, line: line)
        })
    }

    /// `misc_deregister`: the node goes (no new opens), the fence is revoked (open files get
    /// ENODEV from every call, waits only for calls in flight), and the minor becomes free —
    /// only once the old node is gone. Idempotent; never waits for user space to close.
    public func deregister(_ misc: MiscDevice, fileID: StaticString = #fileID, line: UInt = #line) {
        registry.remove(misc, fileID: fileID, line: line) {
            misc.cdev.unregister(fileID: fileID, line: line)
        }
    }
}
