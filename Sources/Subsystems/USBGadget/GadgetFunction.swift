import CharDev
import DriverCore
import Instrumentation

/// A USB gadget function (`struct usb_function`, include/linux/usb/composite.h): what a
/// function driver (f_hid, f_printer, …) provides.
///
/// Two lifetimes, as in drivers/usb/gadget/configfs.c: the function **instance** (this
/// object, made by `alloc_inst` and freed by `free_inst` when its configfs directory goes)
/// outlives any number of binds; what `bind` allocates is **bind scope**, valid until
/// `unbind`. The composite core calls `bind` when the gadget is bound to a UDC and `unbind`
/// when it is unbound — and by then it has revoked every file the function registered, so no
/// file operation can reach bind-scope data any more. Implementations must not block.
public protocol GadgetFunction: AnyObject, Sendable {
    /// `usb_function.name` ("hid", "printer").
    var name: String { get }
    /// `f->bind`: allocate endpoints and bind-scope state, register the function's files
    /// through `context` (prepared, published by the core once every function is bound).
    func bind(_ context: GadgetBindContext) throws(FileError)
    /// `f->unbind`: free what `bind` allocated. The function's files are already revoked.
    func unbind()
}

/// What a function's `bind` may do: register character devices for this bind. Each is
/// prepared under the UDC device and published only after the whole configuration bound
/// (composite_bind), and unregistered (revoked, sleepers woken) before any `unbind` runs.
public final class GadgetBindContext: Sendable {
    /// The UDC's device (`cdev->gadget->dev`), the parent of the function's nodes.
    public let udc: Device
    let namespace: DevNamespace
    private let nodes = Locked<[CharDevice]>([])

    init(udc: Device, namespace: DevNamespace) {
        self.udc = udc
        self.namespace = namespace
    }

    /// Prepares a node (`/dev/NAME`) whose calls reach `operations` only inside its fence.
    /// - Throws: ENOMEM (injected) or what `CharDevice.prepare` throws.
    @discardableResult
    public func registerNode(_ name: String, operations: any FileOperations,
                             fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> CharDevice {
        let cdev = try CharDevice.prepare(name: name, parent: udc, namespace: namespace, operations: operations,
                                          fileID: fileID, line: line)
        nodes.withLock { $0.append(cdev) }
        return cdev
    }

    var registered: [CharDevice] { nodes.withLock { $0 } }
}
