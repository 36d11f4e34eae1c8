/// One step of a described probe, remove, file operation or function, with where it is
/// written (for errors and trails).
public struct Step: Sendable, Equatable {
    public var operation: Operation
    /// What undoes this step when a later step of the same list fails: the kernel's
    /// `goto err_…` ladder, written next to what it undoes. Run newest first.
    public var unwind: [Step]
    public var location: DescriptionLocation?
    public init(_ operation: Operation, unwind: [Step] = [], location: DescriptionLocation? = nil) {
        self.operation = operation
        self.unwind = unwind
        self.location = location
    }
}

/// A place in memory: a local (`priv`), a global (`@foo_dev`) or `self`, then members.
/// Going through a pointer member reads it (touching the memory that holds it); going
/// through an embedded member does not leave the struct's memory.
public struct MemberPath: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var root: String
    public var members: [String]
    public init(root: String, members: [String] = []) {
        self.root = root
        self.members = members
    }
    /// Parses `priv.cdev`, `@foo_dev.lock`; nil when a component is empty.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, !parts.contains(where: \.isEmpty) else { return nil }
        root = first
        members = Array(parts.dropFirst())
    }
    public var isGlobal: Bool { root.hasPrefix("@") }
    public var description: String { ([root] + members).joined(separator: ".") }
}

/// A value a step writes: an integer, NULL, or what a path points at.
public enum StepValue: Sendable, Equatable, CustomStringConvertible {
    case integer(Int)
    case null
    case reference(MemberPath)
    public var description: String {
        switch self {
        case .integer(let i): "\(i)"
        case .null: "NULL"
        case .reference(let p): p.description
        }
    }
}

/// What a step does, named after the kernel function it stands for.
public indirect enum Operation: Sendable, Equatable {
    // Memory
    /// `kzalloc`/`devm_kzalloc`/`drmm_kzalloc` of a struct type, bound to a local.
    /// `managedBy` is the refcounted member whose release frees a `drmm` allocation; `on`
    /// names another device whose devres a `devm_kzalloc` goes to (`devm_kzalloc(&other->dev,
    /// …)` — the wrong-device pattern of class P12) instead of the bound device's.
    case alloc(type: String, as: String, managedBy: MemberPath?, on: String? = nil)
    case kfree(MemberPath)
    // Refcounts (`kref_*`, `device_initialize`, `get_device`, `put_device`)
    case refInit(MemberPath)
    case refGet(MemberPath)
    case refPut(MemberPath)
    // Initialisation
    case initWaitQueue(MemberPath)
    case mutexInit(MemberPath)
    case cdevInit(MemberPath, fops: String)
    // Registration
    case cdevDeviceAdd(cdev: MemberPath, device: MemberPath, node: String)
    case cdevDeviceDel(cdev: MemberPath, device: MemberPath)
    /// `cdev_add` alone: the cdev holds no reference on any device (nothing pins the struct
    /// it is embedded in, unless the driver calls `cdev_set_parent`).
    case cdevAdd(MemberPath, node: String)
    case cdevDel(MemberPath)
    case miscRegister(MemberPath, node: String, fops: String)
    case miscDeregister(MemberPath)
    // devres
    /// `devm_add_action`; with `orReset`, `devm_add_action_or_reset`: if registering fails,
    /// the action runs at once.
    case devmAddAction(function: String, argument: MemberPath?, orReset: Bool)
    // Modules
    /// `try_module_get(m)`: fails with ENODEV once the module is going; nil is THIS_MODULE.
    case moduleGet(String?)
    /// `module_put(m)`.
    case modulePut(String?)
    // sysfs
    /// `device_create_file(dev, &dev_attr_NAME)`: a file `DEVICE/NAME` whose reads run `show`
    /// and whose writes run `store` (functions; `self` is the device's drvdata).
    case deviceCreateFile(name: String, show: String?, store: String?)
    /// `device_remove_file`: removes it, waiting for callbacks in flight (kernfs_drain).
    case deviceRemoveFile(name: String)
    // Interrupts
    /// `request_irq(line, handler, …, arg)`; `devm_request_irq` when `managed` (freed by
    /// devres at unbind, in its place in the LIFO order).
    case requestIRQ(line: Int, handler: String, argument: MemberPath?, managed: Bool)
    /// `free_irq(line)`: waits for a handler running on it (`synchronize_irq`), then none runs.
    case freeIRQ(line: Int)
    // drvdata
    case setDrvdata(MemberPath)
    case getDrvdata(as: String)
    // Tables (IDR)
    case tableInsert(table: MemberPath, key: Int, value: MemberPath)
    case tableRemove(table: MemberPath, key: Int)
    /// `idr_find`, then (if `get` names a refcounted member of the result) a get on it:
    /// under the table's lock when `locked`, or after dropping it (lookup-then-get, P15).
    case tableLookup(table: MemberPath, key: Int, as: String, locked: Bool, get: String?)
    // Data
    case read(MemberPath, as: String?)
    case write(MemberPath, StepValue)
    // Waits and locks
    case wakeUp(MemberPath)
    /// `wait_event(wq, cond)`: sleeps until `until` is non-zero; with a timeout
    /// (`wait_event_timeout`) gives up after it (nanoseconds).
    case waitEvent(MemberPath, until: MemberPath, timeoutNanoseconds: UInt64?)
    case mutexLock(MemberPath)
    case mutexUnlock(MemberPath)
    /// `guard(mutex)(&x)` (include/linux/cleanup.h): locked now, unlocked when the function
    /// returns, whichever way it returns.
    case guardLock(MemberPath)
    // File operations' access paths
    /// `x = file->private_data`.
    case privateData(as: String)
    case setPrivateData(MemberPath)
    /// `y = container_of(x, type, member)`: `from` must be an embedded member of a `type`.
    case containerOf(from: MemberPath, type: String, as: String)
    // Control
    /// `if (!x) return -errno;`.
    case check(MemberPath, errno: String)
    case fail(errno: String)
    case call(function: String, argument: MemberPath?)
    /// Driver-held revocation (`Revocable`): the steps run inside the fence; once revoked
    /// they are skipped and the operation fails with ENODEV.
    case revocableAccess(MemberPath, steps: [Step])
    case revoke(MemberPath)
    // TTY (drivers/tty/tty_port.c, tty_io.c); tty_port_init/_get/_put are the ref steps on a kref member
    /// `tty_port_register_device(port, …)`: publishes `/dev/NODE` whose calls run `fops`; each
    /// file operation sees the port as its local `port` (`tty->port`).
    case ttyPortRegisterDevice(port: MemberPath, node: String, fops: String)
    /// `tty_unregister_device`: the node goes; open files stay and keep reaching the fops
    /// (the tty layer revokes nothing: only a hangup stops them).
    case ttyUnregisterDevice(MemberPath)
    /// `tty_port_tty_hangup`: the port's open files are hung up: from now on they get
    /// `hung_up_tty_fops` answers (read 0, write and ioctl EIO) and never reach the fops but
    /// `release`.
    case ttyPortTTYHangup(MemberPath)
    // MMC (drivers/mmc/core/host.c)
    /// `mmc_alloc_host` (`devm_mmc_alloc_host` when `managed`): a kzalloc'd TYPE whose
    /// `class_dev` device member is initialised; its release frees the host.
    case mmcAllocHost(type: String, as: String, managed: Bool)
    /// `mmc_add_host`: the host is registered (its memory written).
    case mmcAddHost(MemberPath)
    /// `mmc_remove_host`: the host is removed (its memory read and written).
    case mmcRemoveHost(MemberPath)
    /// `mmc_free_host`: `put_device(&host->class_dev)`.
    case mmcFreeHost(MemberPath)
    // Net
    /// `alloc_etherdev(sizeof(struct TYPE))` (`devm_alloc_etherdev` when `managed`): a net
    /// device whose `netdev_priv` area is a `TYPE`, bound to a local. The local names the net
    /// device by its priv (`netdev_priv`/`priv->ndev` are one step apart in C); the priv is
    /// freed with the netdev's block, by `free_netdev` or its last device reference.
    case allocEtherdev(priv: String, as: String, managed: Bool)
    /// `register_netdev` (`devm_register_netdev` when `managed`), with the driver's
    /// `net_device_ops`: functions run with `self` = the priv.
    case registerNetdev(MemberPath, ops: NetdevOpsNames, managed: Bool)
    case unregisterNetdev(MemberPath)
    case freeNetdev(MemberPath)
    /// `dev_hold`/`dev_put` by the running driver code.
    case devHold(MemberPath)
    case devPut(MemberPath)
    // DRM
    /// `drm_dev_register`: publishes `/dev/<node>` whose files run `fops`; open files hold a
    /// reference on the `drm_device` (drm_open's `drm_dev_get`, drm_release's put).
    case drmDevRegister(MemberPath, node: String, fops: String)
    /// `drm_dev_unregister`: the node goes; the device is *not* marked unplugged and nothing
    /// waits for `drm_dev_enter` sections.
    case drmDevUnregister(MemberPath)
    /// `drm_dev_unplug`: marks the device unplugged, `synchronize_srcu(&drm_unplug_srcu)`
    /// (waits for the sections of every DRM device), then unregisters it.
    case drmDevUnplug(MemberPath)
    /// `if (drm_dev_enter(drm, &idx)) { steps; drm_dev_exit(idx); }`: the steps run inside a
    /// read section of DRM's one SRCU domain; once unplugged they are skipped and the
    /// operation fails with ENODEV (the driver's early return).
    case drmDevEnter(MemberPath, steps: [Step])
    // V4L2
    /// `video_register_device` (or, with `media`, `media_devnode_register`) on the `struct
    /// device` member of a video device (media devnode): initialises its count (the
    /// registration's reference), sets the registered bit and publishes `/dev/<node>` whose
    /// files run `fops`. Unless the fops are fenced, each call tests the registered bit at
    /// entry (ENODEV; the media devnode's EIO), and open files hold a reference on the device.
    case videoRegisterDevice(MemberPath, node: String, fops: String, media: Bool)
    /// `video_unregister_device` (`media_devnode_unregister`): clears the registered bit,
    /// removes the node, drops the registration's reference.
    case videoUnregisterDevice(MemberPath, media: Bool)

    /// The kernel function the step stands for, as written in files.
    public var name: String {
        switch self {
        case .alloc: "alloc"
        case .kfree: "kfree"
        case .refInit: "kref_init"
        case .refGet: "kref_get"
        case .refPut: "kref_put"
        case .initWaitQueue: "init_waitqueue_head"
        case .mutexInit: "mutex_init"
        case .cdevInit: "cdev_init"
        case .cdevDeviceAdd: "cdev_device_add"
        case .cdevDeviceDel: "cdev_device_del"
        case .cdevAdd: "cdev_add"
        case .cdevDel: "cdev_del"
        case .miscRegister: "misc_register"
        case .miscDeregister: "misc_deregister"
        case .devmAddAction(_, _, let orReset): orReset ? "devm_add_action_or_reset" : "devm_add_action"
        case .requestIRQ(_, _, _, let managed): managed ? "devm_request_irq" : "request_irq"
        case .freeIRQ: "free_irq"
        case .moduleGet: "try_module_get"
        case .modulePut: "module_put"
        case .deviceCreateFile: "device_create_file"
        case .deviceRemoveFile: "device_remove_file"
        case .setDrvdata: "set_drvdata"
        case .getDrvdata: "get_drvdata"
        case .tableInsert: "idr_alloc"
        case .tableRemove: "idr_remove"
        case .tableLookup: "idr_find"
        case .read: "read"
        case .write: "write"
        case .wakeUp: "wake_up"
        case .waitEvent: "wait_event"
        case .mutexLock: "mutex_lock"
        case .mutexUnlock: "mutex_unlock"
        case .guardLock: "guard"
        case .privateData: "private_data"
        case .setPrivateData: "set_private_data"
        case .containerOf: "container_of"
        case .check: "check"
        case .fail: "return"
        case .call: "call"
        case .revocableAccess: "revocable_access"
        case .revoke: "revoke"
        case .ttyPortRegisterDevice: "tty_port_register_device"
        case .ttyUnregisterDevice: "tty_unregister_device"
        case .ttyPortTTYHangup: "tty_port_tty_hangup"
        case .mmcAllocHost(_, _, let managed): managed ? "devm_mmc_alloc_host" : "mmc_alloc_host"
        case .mmcAddHost: "mmc_add_host"
        case .mmcRemoveHost: "mmc_remove_host"
        case .mmcFreeHost: "mmc_free_host"
        case .allocEtherdev(_, _, let managed): managed ? "devm_alloc_etherdev" : "alloc_etherdev"
        case .registerNetdev(_, _, let managed): managed ? "devm_register_netdev" : "register_netdev"
        case .unregisterNetdev: "unregister_netdev"
        case .freeNetdev: "free_netdev"
        case .devHold: "dev_hold"
        case .devPut: "dev_put"
        case .drmDevRegister: "drm_dev_register"
        case .drmDevUnregister: "drm_dev_unregister"
        case .drmDevUnplug: "drm_dev_unplug"
        case .drmDevEnter: "drm_dev_enter"
        case .videoRegisterDevice(_, _, _, let media): media ? "media_devnode_register" : "video_register_device"
        case .videoUnregisterDevice(_, let media): media ? "media_devnode_unregister" : "video_unregister_device"
        }
    }
}

/// The functions of a described `struct net_device_ops` (nil: not implemented).
public struct NetdevOpsNames: Sendable, Equatable {
    public var open: String?
    public var stop: String?
    public var startXmit: String?
    public init(open: String? = nil, stop: String? = nil, startXmit: String? = nil) {
        self.open = open
        self.stop = stop
        self.startXmit = startXmit
    }
    /// The named functions, for checks.
    public var all: [String] { [open, stop, startXmit].compactMap { $0 } }
}
