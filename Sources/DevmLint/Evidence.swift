/// What the analysis established about one finding, as typed values: the names a witness
/// scenario (``WitnessPlan``) is built from. The notes say the same in prose for a reader;
/// nothing reads the prose back.
///
/// Every name is the driver's own (struct tag, member path, fops table, C functions), so the
/// witness reads like the driver. Optional fields are nil when the analysis did not need them
/// for this rule (a static miscdevice has no member path; a drvdata clear has no global).
public struct Evidence: Sendable, Codable, Hashable {
    /// Which of the analysis's paths the finding is: decides the witness's shape.
    public enum Route: String, Sendable, Codable, CaseIterable {
        /// A struct cdev embedded in the devm memory: the open file's cdev reference is dropped
        /// at the last close, in freed memory (fs/char_dev.c `cdev_put`).
        case embeddedCdev = "embedded-cdev"
        /// A struct miscdevice embedded in the devm memory, whose fops reach it after unbind.
        case embeddedMisc = "embedded-misc"
        /// A global pointer into the devm memory that nothing clears; the fops use it.
        case staleGlobal = "stale-global"
        /// A global pointer into the devm memory that remove() clears without a lock the fops
        /// take: a check-then-use race.
        case unlockedGlobal = "unlocked-global"
        /// remove() clears a global (or the driver data) that a fop dereferences untested.
        case nullAfterRemove = "null-after-remove"
        /// A video_device or v4l2_device embedded in the devm memory of a registered video node.
        case videoNode = "video-node"
        /// A tty_port embedded in the devm memory of a port given a tty node.
        case ttyPort = "tty-port"
    }

    /// How the device loses its driver while a file is open (Unbind.swift).
    public enum UnbindRoute: String, Sendable, Codable {
        case sysfs, hotplug
        /// Bind attributes suppressed, but the module can go (fops without `.owner`).
        case moduleUnload = "module-unload"
    }

    public var route: Route
    /// The struct tag of the memory (`widget`); for a NULL dereference, the pointee's.
    public var container: String
    /// `devm_kzalloc`, `devm_kcalloc`… (nil for a NULL dereference of non-devm memory).
    public var allocator: String?
    /// The function that allocates (probe or a helper it calls).
    public var probe: String
    /// Members from the container to the user-visible object (`["misc"]`, `["hw", "ports", "cdev"]`);
    /// empty when the object is static or is the allocation itself.
    public var objectPath: [String] = []
    /// The struct tags along ``objectPath``, outermost (the container) first: entry i holds
    /// member `objectPath[i]` by value. Empty when not recorded (the V4L2 and tty rules, whose
    /// witnesses flatten the path); an anonymous struct's tag is empty.
    public var objectPathTypes: [String] = []
    /// `misc_register`, `cdev_add`, `cdev_device_add`, `video_register_device`,
    /// `tty_port_register_device`…
    public var registration: String?
    /// The file_operations (v4l2_file_operations, tty_operations) table's name.
    public var fops: String?
    /// The fop field that reaches the memory (`read`, `unlocked_ioctl`, `open`), and its C function.
    public var operation: String?
    public var operationFunction: String?
    /// A file-scope lock the fop holds where it uses the pointer (`panel_lock`), and whether
    /// it tests the pointer against NULL first: the driver's own guard, kept in the witness.
    public var operationLock: String?
    public var operationTests = false
    /// The global pointer (stale, cleared, or NULL after remove); nil for driver data.
    public var global: String?
    /// The static miscdevice registered instead of an embedded one (`panel_misc`).
    public var staticMisc: String?
    /// The driver structure's name (`widget_driver`) and remove function, when found.
    public var driver: String?
    public var remove: String?
    public var unbind: UnbindRoute = .sysfs
    /// Source locations of the chain, for the witness's thread flows.
    public var allocatedAt: SourceLocation?
    public var registeredAt: SourceLocation?
    public var usedAt: SourceLocation?
    public var clearedAt: SourceLocation?
    public var unbindAt: SourceLocation?

    public init(route: Route, container: String, probe: String) {
        self.route = route; self.container = container; self.probe = probe
    }
}
