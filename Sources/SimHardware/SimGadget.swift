import CharDev
import DriverCore
import Instrumentation
import Subsystems

/// `f_hid` as a simulated gadget function (drivers/usb/gadget/function/f_hid.c): an instance
/// with a fixed minor (`hidg_get_minor` at `alloc_inst`) whose every bind allocates its
/// endpoint state (bind scope, freed at `unbind`) and registers a fresh `/dev/hidg<minor>`.
/// A write sends an input report (touching the endpoint state); a read takes an output report
/// the host sent, sleeping while there is none; `hostSends` plays the host.
public final class SimHidFunction: GadgetFunction {
    public let name = "hid"
    public let minor: Int
    let events: EventStream
    private let current = Locked<(endpoint: ModelMemory<Endpoint>, node: CharDevice)?>(nil)

    /// The bind-scope state: the interrupt endpoints' request queue.
    struct Endpoint: Sendable {
        var reportsSent = 0
        var outputReports: [[UInt8]] = []
    }

    public init(minor: Int, events: EventStream) {
        self.minor = minor
        self.events = events
    }

    public func bind(_ context: GadgetBindContext) throws(FileError) {
        let endpoint = ModelMemory(Endpoint(), name: "hidg\(minor) endpoint", events: events)
        do {
            let node = try context.registerNode("hidg\(minor)", operations: HidgOps(endpoint: endpoint))
            current.withLock { $0 = (endpoint, node) }
        } catch {
            try? endpoint.free()
            throw error
        }
    }

    public func unbind() {
        let bound = current.withLock { c in defer { c = nil }; return c }
        try? bound?.endpoint.free()
    }

    /// The host sends an output report (SET_REPORT / the OUT endpoint): queued for `read`.
    /// False when the function is not bound.
    @discardableResult
    public func hostSends(_ report: [UInt8]) -> Bool {
        guard let bound = current.withLock({ $0 }) else { return false }
        guard (try? bound.endpoint.write({ $0.outputReports.append(report) })) != nil else { return false }
        bound.node.notify()
        return true
    }
}

/// `f_hidg_fops`: reached only inside the node's fence, so the endpoint (freed at unbind) is
/// never touched after it.
final class HidgOps: FileOperations {
    let endpoint: ModelMemory<SimHidFunction.Endpoint>
    init(endpoint: ModelMemory<SimHidFunction.Endpoint>) { self.endpoint = endpoint }

    private func access<R>(_ body: (inout SimHidFunction.Endpoint) -> R) throws(FileError) -> R {
        do { return try endpoint.write(body) } catch { throw FileError(.EIO, "\(error)") }
    }

    func write(_ file: FileContext, _ data: [UInt8]) throws(FileError) -> Int {
        try access { $0.reportsSent += 1 }
        return data.count
    }

    func read(_ file: FileContext, maxBytes: Int) throws(FileError) -> [UInt8]? {
        try access { e -> [UInt8]? in e.outputReports.isEmpty ? nil : Array(e.outputReports.removeFirst().prefix(maxBytes)) }
    }

    func poll(_ file: FileContext) -> PollEvents {
        ((try? endpoint.get().outputReports.isEmpty) ?? true) ? [.out] : [.in, .out]
    }
}

/// `sim-udc`: a USB device controller on a platform device. Its probe binds the gadget named
/// by the device's `gadget` property (configfs's `UDC` attribute written), and its unbind
/// unbinds it, through the gadget's devres action.
public final class SimUDCDriver: DeviceDriver {
    public static let driverName = BuiltinDrivers.simUDC
    public let name = driverName
    public let idTable = ["sim-udc"]
    let gadgets: @Sendable (String) -> CompositeGadget?
    public init(gadgets: @escaping @Sendable (String) -> CompositeGadget?) { self.gadgets = gadgets }

    public func probe(_ device: borrowing BoundDevice) throws(ProbeError) {
        let wanted = ((try? device.device.property("gadget")) ?? nil) ?? ""
        guard let gadget = gadgets(wanted) else { throw .failed(.ENODEV, "no gadget '\(wanted)'") }
        try ProbeError.mapping { try gadget.bind(udc: device) }
    }
}
