/// What a step does. One case per system call or admin action; a subsystem's own requests
/// are ``IoctlSpec`` cases (read by `IoctlReader`, performed by `IoctlExecutor`).
public enum StepAction: Sendable, Equatable {
    /// `open(2)` on a `/dev` node.
    case open(path: String, nonblocking: Bool)
    /// `GPIO_V2_GET_LINE_IOCTL` on an open chip: a new line-request file.
    case requestLines(file: String, offsets: [Int], consumer: String, output: Bool, edges: Bool)
    /// `read(2)`; on a line request, edge events (returns their count).
    case read(file: String)
    /// `poll(2)` for POLLIN with a timeout in nanoseconds (nil: wait indefinitely).
    case poll(file: String, timeoutNanoseconds: UInt64?)
    case ioctl(file: String, request: IoctlSpec)
    case write(file: String, data: String)
    case close(file: String)
    case sleep(nanoseconds: UInt64)
    /// The sysfs `bind` file of `driver`.
    case bind(device: String, driver: String)
    /// The sysfs `unbind` file of the device's driver.
    case unbind(device: String)
    /// Surprise removal of the USB-like device on `port` and its interfaces.
    case unplug(port: String)
    /// Plugs the device of `port` (as the board declared it) back in.
    case replug(port: String)
    /// The sysfs `driver_override` file (nil clears it).
    case driverOverride(device: String, driver: String?)
    /// An edge on a line of a gpio-sim chip (its interrupt handler runs).
    case edge(chip: String, offset: Int, rising: Bool)
    /// Waits until `actor` is blocked inside its step labelled `blockedIn`.
    case wait(actor: String, blockedIn: String)
    /// `gpiod_get()` by an in-kernel consumer: a descriptor (named with `as:`) on a line of
    /// `chip` (a gpiochip node name), holding a reference on the chip object.
    case gpiodGet(chip: String, offset: Int, consumer: String)
    /// `gpiod_set_value()` / `gpiod_get_value()` through a descriptor: ENODEV once the chip
    /// is gone (the same fence as the chip's files).
    case gpiodSetValue(desc: String, value: Bool)
    case gpiodGetValue(desc: String)
    /// `gpiod_put()`.
    case gpiodPut(desc: String)
    /// `i2c_new_client_device()` on adapter `i2c-<adapter>`: a client (named with `as:`).
    case i2cNewClient(adapter: Int, address: Int, name: String)
    /// `i2c_master_recv()` of `count` bytes (returns them).
    case i2cRead(client: String, count: Int)
    /// `i2c_unregister_device()`.
    case i2cClientPut(client: String)
    /// The hardware raises interrupt line `line`: the handler a described driver requested
    /// on it runs (nothing happens on a line nobody requested).
    case irq(line: Int)
    /// `delete_module(2)` (`rmmod`) of a described driver's module: its exit unregisters the
    /// driver; refused with EWOULDBLOCK while something holds the module.
    case deleteModule(name: String)
    /// `cat /sys/devices/…/PATH` and `echo DATA > …/PATH` on a sysfs attribute file
    /// (`DEVICE/NAME`): open, read or write, close.
    case sysfsRead(path: String)
    case sysfsWrite(path: String, data: String)
    // Net devices
    /// `socket(2)` (named with `as:`): AF_INET for interface ioctls, or with `bindTo` an
    /// AF_PACKET socket bound to that interface, whose `write` sends a frame.
    case socket(bindTo: String?)

    /// The keyword of the action in scenario files.
    public var keyword: String {
        switch self {
        case .open: "open"
        case .requestLines: "request_lines"
        case .read: "read"
        case .poll: "poll"
        case .ioctl: "ioctl"
        case .write: "write"
        case .close: "close"
        case .sleep: "sleep"
        case .bind: "bind"
        case .unbind: "unbind"
        case .unplug: "unplug"
        case .replug: "replug"
        case .driverOverride: "driver_override"
        case .edge: "edge"
        case .wait: "wait"
        case .gpiodGet: "gpiod_get"
        case .gpiodSetValue: "gpiod_set_value"
        case .gpiodGetValue: "gpiod_get_value"
        case .gpiodPut: "gpiod_put"
        case .i2cNewClient: "i2c_new_client"
        case .i2cRead: "i2c_read"
        case .i2cClientPut: "i2c_client_put"
        case .irq: "irq"
        case .deleteModule: "delete_module"
        case .sysfsRead: "sysfs_read"
        case .sysfsWrite: "sysfs_write"
        case .socket: "socket"
        }
    }

    /// Every action keyword, for the parser's unknown-key messages.
    public static let keywords = ["open", "request_lines", "read", "poll", "ioctl", "write", "close", "sleep", "bind",
                                  "unbind", "unplug", "replug", "driver_override", "edge", "wait",
                                  "gpiod_get", "gpiod_set_value", "gpiod_get_value", "gpiod_put",
                                  "i2c_new_client", "i2c_read", "i2c_client_put", "irq", "delete_module",
                                  "sysfs_read", "sysfs_write", "socket"]

    /// Steps whose result is an in-kernel consumer handle (named with `as:`).
    public var definesConsumer: Bool {
        switch self {
        case .gpiodGet, .i2cNewClient: true
        default: false
        }
    }

    /// The file handle the action uses, if any.
    public var fileHandle: String? {
        switch self {
        case .requestLines(let f, _, _, _, _), .read(let f), .poll(let f, _), .ioctl(let f, _), .write(let f, _),
             .close(let f), .gpiodSetValue(let f, _), .gpiodGetValue(let f), .gpiodPut(let f), .i2cRead(let f, _),
             .i2cClientPut(let f): f
        default: nil
        }
    }

    /// A system call on a file: `open` first takes the devfs lock, and every call on a file
    /// first enters the file's fence (the file's own handle and user count come before it,
    /// which are the actor's alone when no other actor names the handle). None of them binds,
    /// unbinds, adds or removes a device. The explorer's reduction of step points relies on
    /// both; see `StepPoints` in the Explorer module.
    public var isFileOperation: Bool {
        switch self {
        case .open, .requestLines, .read, .poll, .ioctl, .write, .close: true
        default: false
        }
    }

    /// A sysfs action on one device's binding (`bind`, `unbind`, `driver_override`): it reads
    /// the device's binding state (driver, state, override, the bus's candidates) before it
    /// takes the device lock, and only another such action, a device's addition or removal,
    /// or what one of them sets off (device links, deferred probe) writes that state.
    public var isBindingAction: Bool {
        switch self {
        case .bind, .unbind, .driverOverride: true
        default: false
        }
    }

    /// The board device the action names, if any.
    public var deviceName: String? {
        switch self {
        case .bind(let d, _), .unbind(let d), .driverOverride(let d, _): d
        case .edge(let c, _, _): c
        default: nil
        }
    }

    /// A one-line rendering for reports: `unbind gpio-sim.0`.
    public var summary: String {
        switch self {
        case .open(let p, let nb): "open \(p)\(nb ? " O_NONBLOCK" : "")"
        case .requestLines(let f, let o, let c, let out, let e):
            "request_lines \(f) \(o) consumer=\(c)\(out ? " output" : "")\(e ? " edges" : "")"
        case .read(let f): "read \(f)"
        case .poll(let f, let t): "poll \(f) timeout=\(t.map { Durations.render($0) } ?? "inf")"
        case .ioctl(let f, let r): "ioctl \(f) \(r.name)"
        case .write(let f, let d): "write \(f) \(d.utf8.count) bytes"
        case .close(let f): "close \(f)"
        case .sleep(let n): "sleep \(Durations.render(n))"
        case .bind(let d, let drv): "bind \(d) to \(drv)"
        case .unbind(let d): "unbind \(d)"
        case .unplug(let p): "unplug \(p)"
        case .replug(let p): "replug \(p)"
        case .driverOverride(let d, let drv): "driver_override \(d) = \(drv ?? "(null)")"
        case .edge(let c, let o, let r): "edge \(c) line \(o) \(r ? "rising" : "falling")"
        case .wait(let a, let l): "wait until \(a) is blocked in \(l)"
        case .gpiodGet(let c, let o, let who): "gpiod_get \(c) line \(o) consumer=\(who)"
        case .gpiodSetValue(let d, let v): "gpiod_set_value \(d) \(v ? 1 : 0)"
        case .gpiodGetValue(let d): "gpiod_get_value \(d)"
        case .gpiodPut(let d): "gpiod_put \(d)"
        case .i2cNewClient(let a, let addr, let n): "i2c_new_client i2c-\(a) 0x\(String(addr, radix: 16)) \(n)"
        case .i2cRead(let c, let n): "i2c_read \(c) \(n) bytes"
        case .i2cClientPut(let c): "i2c_client_put \(c)"
        case .irq(let line): "irq \(line)"
        case .deleteModule(let name): "delete_module \(name)"
        case .sysfsRead(let p): "sysfs_read \(p)"
        case .sysfsWrite(let p, let d): "sysfs_write \(p) \(d.utf8.count) bytes"
        case .socket(let bound): bound.map { "socket AF_PACKET bound to \($0)" } ?? "socket AF_INET"
        }
    }
}
