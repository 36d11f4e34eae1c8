/// A driver written down as data: its structs, its probe and remove, its file operations, the
/// way a kernel developer would sketch them on a whiteboard (`devmodel/scenario@2`'s
/// `objects:`, `globals:`, `functions:`, `fops:` and `drivers:` sections).
///
/// A description states a design faithfully, bugs included: an interpreter
/// (``DescribedWorld``) runs it against the real driver core, so a struct freed by devres
/// while a file still reaches it is a use-after-free the sanitizer reports, and the fixed
/// design runs clean. Nothing here is checked against a kernel; everything is checked against
/// the semantics the kernel documents (each step names the kernel function it stands for).
///
/// Value type, `Sendable`; validated by the scenario reader, so names it uses exist.
public struct DriverDescription: Sendable, Equatable {
    /// Struct types by name (`struct foo_priv`).
    public var types: [String: ObjectType]
    /// File-scope variables (`static struct foo *foo_dev;`, `static DEFINE_IDR(foo_idr);`).
    public var globals: [String: MemberKind]
    /// Named step lists: release callbacks and devm actions; `self` is their argument.
    public var functions: [String: [Step]]
    /// `struct file_operations` tables by name.
    public var fops: [String: FileOperationsSpec]
    /// The drivers, in registration order.
    public var drivers: [DescribedDriverSpec]

    public init(types: [String: ObjectType] = [:], globals: [String: MemberKind] = [:],
                functions: [String: [Step]] = [:], fops: [String: FileOperationsSpec] = [:],
                drivers: [DescribedDriverSpec] = []) {
        self.types = types
        self.globals = globals
        self.functions = functions
        self.fops = fops
        self.drivers = drivers
    }

    /// True when the scenario describes nothing (every v1 file).
    public var isEmpty: Bool { types.isEmpty && globals.isEmpty && drivers.isEmpty && fops.isEmpty && functions.isEmpty }
}

/// Where a described step or declaration is in its file, for trails and errors.
public struct DescriptionLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public var description: String { "\(file):\(line):\(column)" }
}

/// A struct type: how its memory is allocated and what it holds.
public struct ObjectType: Sendable, Equatable {
    public var name: String
    /// How `alloc` gets its memory, which decides what frees it.
    public var allocation: Allocation
    /// Members in declaration order.
    public var members: [Member]
    public var location: DescriptionLocation?

    public init(name: String, allocation: Allocation, members: [Member], location: DescriptionLocation? = nil) {
        self.name = name
        self.allocation = allocation
        self.members = members
        self.location = location
    }

    public func member(_ name: String) -> Member? { members.first { $0.name == name } }
}

/// How a struct is allocated (and therefore freed).
public enum Allocation: String, Sendable, Equatable, CaseIterable {
    /// `devm_kzalloc`: freed by devres when the driver unbinds (or its probe fails), whatever
    /// still points at it.
    case devm = "devm_kzalloc"
    /// `kzalloc`: freed only by an explicit `kfree` (usually in a release callback).
    case kzalloc
    /// `drmm_kzalloc`: freed when the refcounted member named at allocation (the DRM device)
    /// is released.
    case drmm = "drmm_kzalloc"
    /// A static object: never freed.
    case `static`
}

/// One member of a struct.
public struct Member: Sendable, Equatable {
    public var name: String
    public var kind: MemberKind
    public init(name: String, kind: MemberKind) {
        self.name = name
        self.kind = kind
    }
}

/// What a member is. Refcounted members (`kref`, `device`) name their release callback, as
/// `kref_put(&x->ref, release)` and `dev->release` do.
public indirect enum MemberKind: Sendable, Equatable {
    /// Plain data (an integer): reading or writing it touches the struct's memory.
    case data
    /// A pointer to a struct of the given type (or any type when nil).
    case pointer(String?)
    case kref(release: String?)
    /// An embedded `struct device`: a refcount whose release callback runs at the last put.
    case device(release: String?)
    /// An embedded `struct cdev`: its kobject holds a reference on its parent device while
    /// any file is open on it (`cdev_device_add`).
    case cdev
    /// An embedded `struct miscdevice`: no refcount — open files do not pin it.
    case miscdevice
    case waitQueue
    case mutex
    /// An IDR-like table from integer keys to pointers, with its own lock.
    case table
    /// A driver-held revocation fence (`Revocable`) around the struct's resources.
    case revocable
    /// Another struct embedded by value: its members are part of this struct's memory.
    case embedded(String)
    // DRM
    /// An embedded `struct drm_device`: a refcount (`drm_dev_get`/`drm_dev_put`) whose release
    /// callback runs at the last put, plus the `unplugged` flag `drm_dev_unplug` sets.
    case drmDevice(release: String?)

    public var isRefcount: Bool {
        switch self {
        case .kref, .device, .drmDevice: true
        default: false
        }
    }

    /// Has a count the ref steps work on: a refcount, or a cdev's kobject.
    public var isCounted: Bool { isRefcount || self == .cdev }

    public var release: String? {
        switch self {
        case .kref(let r), .device(let r), .drmDevice(let r): r
        default: nil
        }
    }
}

/// A `struct file_operations` and how calls reach it.
public struct FileOperationsSpec: Sendable, Equatable {
    public var name: String
    /// Step lists per operation: `open`, `read`, `write`, `ioctl`, `poll`, `release`.
    public var operations: [String: [Step]]
    /// What stands between a system call and these steps.
    public var protection: FopsProtection
    /// `.owner = THIS_MODULE`: every open file pins the module of the driver that registers
    /// these operations (fs/char_dev.c `fops_get`), so it cannot be unloaded under a file.
    public var owner = false
    public var location: DescriptionLocation?

    public static let operationNames = ["open", "read", "write", "ioctl", "poll", "release"]

    public init(name: String, operations: [String: [Step]], protection: FopsProtection = .none,
                location: DescriptionLocation? = nil) {
        self.name = name
        self.operations = operations
        self.protection = protection
        self.location = location
    }
}

/// What stands between a system call on an old file and the driver's file operations.
public enum FopsProtection: String, Sendable, Equatable, CaseIterable {
    /// Nothing: the file's calls reach the operations for as long as the file is open, as
    /// fs/char_dev.c does for a plain `cdev`.
    case none
    /// CharDev's helper: every call inside the device's revocation fence; unregister waits
    /// for calls in flight, later calls are ENODEV and the driver is never reached again.
    case fence
}

/// A driver: what matches it, its probe and remove.
public struct DescribedDriverSpec: Sendable, Equatable {
    public var name: String
    public var compatible: [String]
    public var probe: [Step]
    public var remove: [Step]
    /// The module the driver is built as (`module_platform_driver`): loaded with the board,
    /// unloaded by an actor's `delete_module` step, whose exit unregisters the driver. Nil:
    /// built in.
    public var module: String?
    public var location: DescriptionLocation?

    public init(name: String, compatible: [String] = [], probe: [Step] = [], remove: [Step] = [],
                module: String? = nil, location: DescriptionLocation? = nil) {
        self.name = name
        self.compatible = compatible
        self.probe = probe
        self.remove = remove
        self.module = module
        self.location = location
    }
}
