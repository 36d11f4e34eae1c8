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
        }
    }

    /// Every action keyword, for the parser's unknown-key messages.
    public static let keywords = ["open", "request_lines", "read", "poll", "ioctl", "write", "close", "sleep", "bind",
                                  "unbind", "unplug", "replug", "driver_override", "edge", "wait"]

    /// The file handle the action uses, if any.
    public var fileHandle: String? {
        switch self {
        case .requestLines(let f, _, _, _, _), .read(let f), .poll(let f, _), .ioctl(let f, _), .write(let f, _),
             .close(let f): f
        default: nil
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
        }
    }
}
