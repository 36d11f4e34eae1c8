import CharDev
import DriverCore
import Instrumentation

extension EventKind {
    /// A function's `bind`/`unbind` ran (detail: the function).
    public static let gadgetFunctionBind = EventKind("gadget.function.bind")
    public static let gadgetFunctionUnbind = EventKind("gadget.function.unbind")
}

/// A composite gadget as configfs builds it (drivers/usb/gadget/configfs.c `gadget_info`,
/// composite.c): one configuration's functions, bound to a UDC as a whole and unbound as a
/// whole.
///
/// Lifetime rules it keeps:
/// - functions are instances that outlive binds; each bind gets fresh bind-scope state and
///   fresh nodes (never a cdev re-initialised under an open file: the f_hid bug of
///   CVE-2026-31606);
/// - binding (`usb_gadget_probe_driver` → `composite_bind` → each `f->bind`) publishes the
///   functions' nodes only once every function bound; a failing bind unbinds the functions
///   already bound, newest first, and publishes nothing;
/// - unbinding the UDC (`usb_gadget_unregister_driver` → `composite_unbind`) revokes every
///   node first (files get ENODEV, sleepers wake, nothing waits for user space), then runs each
///   `f->unbind`, newest first.
///
/// Registration goes through `SubsystemRegistry` (the gadget's UDC binding is its entry).
/// Thread-safe.
public final class CompositeGadget: Sendable {
    public let name: String
    public let namespace: DevNamespace
    let functions = Locked<[any GadgetFunction]>([])
    /// Bound UDCs: at most one at a time for a gadget, as configfs's `UDC` attribute allows.
    let registry: SubsystemRegistry<GadgetBinding>

    public init(name: String, namespace: DevNamespace) {
        self.name = name
        self.namespace = namespace
        registry = SubsystemRegistry(kind: "gadget \(name) binding", numbers: 0..<1, whenFull: .EBUSY,
                                     events: namespace.kernel.events)
    }

    /// Links a function instance into the configuration (`ln -s functions/hid.usb0 configs/c.1`).
    public func add(_ function: any GadgetFunction) { functions.withLock { $0.append(function) } }

    /// True while bound to a UDC.
    public var isBound: Bool { !registry.objects.isEmpty }

    /// Binds the configuration to the bound UDC `udc` (writing the UDC name to configfs's
    /// `UDC`); a devres action on the UDC unbinds it when the UDC's driver goes.
    /// - Throws: `DriverCoreError.registrationFailed` with EBUSY when already bound, or the
    ///   errno of the function bind that failed (nothing stays bound or published then).
    public func bind(udc: borrowing BoundDevice, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        let parent = udc.device
        var made: GadgetBinding?
        do {
            _ = try registry.register(provider: udc, action: "usb_gadget_unregister_driver(\(name))", fileID: fileID, line: line,
                                      make: { [self] (_) throws(FileError) in
                let binding = GadgetBinding(udc: parent, functions: functions.withLock { $0 })
                made = binding
                return (binding, try bindFunctions(binding, site: site))
            }, remove: { [self] binding in
                unbind(binding, site: site)
            })
        } catch {
            // Every function bound, then publishing a node failed: the registry unregistered
            // the nodes; the functions' bind-scope state is still ours to undo.
            for f in made?.takeBound().reversed() ?? [] { f.unbind() }
            throw error
        }
    }

    /// `composite_bind`: each function's `bind` in order; returns their nodes, prepared. A
    /// failure unregisters the nodes made so far and unbinds the functions bound, newest first.
    private func bindFunctions(_ binding: GadgetBinding, site: CallSite) throws(FileError) -> [CharDevice] {
        let context = GadgetBindContext(udc: binding.udc, namespace: namespace)
        for f in binding.functions {
            do throws(FileError) {
                try f.bind(context)
            } catch {
                for node in context.registered.reversed() { node.unregister(fileID: site.fileID, line: site.line) }
                for done in binding.takeBound().reversed() { done.unbind() }
                throw error
            }
            binding.bound(f)
            namespace.kernel.events.emit(.gadgetFunctionBind, object: binding.udc.id, name: binding.udc.name, detail: f.name, site: site)
        }
        binding.attach(context.registered)
        return context.registered
    }

    /// `composite_unbind`: nodes revoked first (waits for calls in flight only), then each
    /// function's `unbind`, newest first.
    func unbind(_ binding: GadgetBinding, site: CallSite) {
        registry.remove(binding, fileID: site.fileID, line: site.line) {
            for node in binding.nodes.reversed() { node.unregister(fileID: site.fileID, line: site.line) }
            for f in binding.takeBound().reversed() {
                f.unbind()
                namespace.kernel.events.emit(.gadgetFunctionUnbind, object: binding.udc.id, name: binding.udc.name,
                                             detail: f.name, site: site)
            }
        }
    }
}

/// One bind of a gadget to a UDC: the functions bound and the nodes they registered.
final class GadgetBinding: Sendable {
    let udc: Device
    let functions: [any GadgetFunction]
    private let state = Locked<(bound: [any GadgetFunction], nodes: [CharDevice])>(([], []))

    init(udc: Device, functions: [any GadgetFunction]) {
        self.udc = udc
        self.functions = functions
    }

    func bound(_ f: any GadgetFunction) { state.withLock { $0.bound.append(f) } }
    func attach(_ nodes: [CharDevice]) { state.withLock { $0.nodes = nodes } }
    /// The functions still bound, handed over once: whoever takes them unbinds them.
    func takeBound() -> [any GadgetFunction] { state.withLock { s in defer { s.bound = [] }; return s.bound } }
    var nodes: [CharDevice] { state.withLock { $0.nodes } }
}
