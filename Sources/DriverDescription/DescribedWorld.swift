import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// The described drivers of one kernel, and everything they created: their structs, the
/// nodes they registered, their drivers' data. One per execution (a scenario run, one
/// explored schedule), so nothing leaks from one execution into the next.
///
/// Thread-safe: actors call into it concurrently, as user space calls into a kernel.
public final class DescribedWorld: Sendable {
    public let description: DriverDescription
    public let kernel: Kernel
    public let namespace: DevNamespace
    /// Every described step run, in order: the trails' "in between".
    public let log = OperationLog()
    /// File-scope variables, as one static struct that is never freed.
    let globals: DescribedObject
    let globalsType: ObjectType
    /// drivers/char/misc.c's `misc_mtx`: misc_open runs the driver's open under it and
    /// misc_deregister takes it, so an open never overlaps the deregistration.
    let miscLock: ModelLock
    private let counters = Locked<[String: Int]>([:])
    private let registrations = Locked<[String: CharDevice]>([:])
    private let fopsOfCdev = Locked<[String: String]>([:])
    private let drvdata = Locked<[ObjectID: Value]>([:])
    /// Attribute files described drivers created, by "device id/name".
    let attributeFiles = Locked<[String: DeviceAttribute]>([:])
    /// Requested interrupt lines.
    let irqs = Locked<[Int: IRQAction]>([:])
    /// tty ports hung up (`tty_port_tty_hangup`), by member key: their files get
    /// `hung_up_tty_fops` answers.
    let hungUp = Locked<Set<String>>([])
    /// `drm_unplug_srcu`: the one SRCU domain of every described DRM device.
    let drmUnplugSRCU: DrmUnplugSRCU
    /// Allocations freed at the release of a refcounted member (`drmm_kzalloc`), by member.
    private let managed = Locked<[String: [DescribedObject]]>([:])
    /// The net core the described drivers' net devices register in (the board's), and those
    /// net devices by their priv struct.
    public let net: NetCore
    let netdevs = Locked<[ObjectID: NetDevice]>([:])

    public init(_ description: DriverDescription, kernel: Kernel, namespace: DevNamespace, net: NetCore? = nil) {
        self.description = description
        self.kernel = kernel
        self.namespace = namespace
        self.net = net ?? NetCore(namespace: namespace)
        miscLock = ModelLock(class: "misc_mtx", name: "misc_mtx", events: kernel.events)
        drmUnplugSRCU = DrmUnplugSRCU(events: kernel.events)
        globalsType = ObjectType(name: "<globals>", allocation: .static,
                                 members: description.globals.sorted { $0.key < $1.key }.map { Member(name: $0.key, kind: $0.value) })
        globals = DescribedObject(type: globalsType.name, allocation: .static, name: "globals",
                                  allocatedBy: Provenance(CallPath(": module load"), nil, location: nil, log: log),
                                  events: kernel.events, log: log)
    }

    /// The loaded modules of the described drivers, by name.
    let modules = Locked<[String: Module]>([:])

    func module(named name: String?) -> Module? { name.flatMap { n in modules.withLock { $0[n] } } }

    /// Registers the described drivers on `bus`: built-in ones directly, the others by
    /// loading their module, whose init registers them and whose exit unregisters them.
    public func registerDrivers(on bus: Bus) throws(DriverCoreError) {
        let drivers = description.drivers.map { DescribedDeviceDriver(spec: $0, world: self) }
        var order: [String] = []
        for d in drivers {
            if let m = d.spec.module { if !order.contains(m) { order.append(m) } } else { try kernel.registerDriver(d, on: bus) }
        }
        for name in order {
            let module = try kernel.loadModule(name, registering: drivers.filter { $0.spec.module == name }, on: bus)
            modules.withLock { $0[name] = module }
        }
    }

    /// "foo_priv#2": a fresh instance name.
    func instanceName(_ type: String) -> String {
        let n = counters.withLock { c in
            c[type, default: 0] += 1
            return c[type]!
        }
        return "\(type)#\(n)"
    }

    /// The type of the struct a reference points into (following embedded members), or nil
    /// when it points at a member that is not a struct.
    func type(of reference: Reference) -> ObjectType? {
        var type = reference.object === globals ? globalsType : description.types[reference.object.type]
        for m in reference.path {
            guard case .embedded(let inner)? = type?.member(m)?.kind else { return nil }
            type = description.types[inner]
        }
        return type
    }

    func register(_ cdev: CharDevice, key: String) { registrations.withLock { $0[key] = cdev } }
    func isRegistered(key: String) -> Bool { registrations.withLock { $0[key] != nil } }
    func registration(key: String) -> CharDevice? { registrations.withLock { $0[key] } }
    func unregister(key: String) -> CharDevice? { registrations.withLock { $0.removeValue(forKey: key) } }
    func setFops(_ fops: String, for key: String) { fopsOfCdev.withLock { $0[key] = fops } }
    func fops(for key: String) -> String? { fopsOfCdev.withLock { $0[key] } }
    func setDrvdata(_ value: Value?, device: Device) { drvdata.withLock { $0[device.id] = value } }
    func getDrvdata(_ device: Device) -> Value { drvdata.withLock { $0[device.id] } ?? .null }
    func manage(_ object: DescribedObject, by member: String) { managed.withLock { $0[member, default: []].append(object) } }
    func takeManaged(by member: String) -> [DescribedObject] { managed.withLock { $0.removeValue(forKey: member) } ?? [] }
}

/// A unique key for a member of an allocation (registrations, managed allocations).
extension Reference {
    var memberKey: String { "\(object.id.raw):\(key)" }
}
