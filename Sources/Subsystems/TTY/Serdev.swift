import CharDev
import DriverCore
import Instrumentation

/// The serdev bus (drivers/tty/serdev/core.c): in-kernel clients of a serial port (a
/// Bluetooth or GNSS chip wired to a UART), each a device on this bus below the controller
/// that claimed its port (drivers/tty/serdev/serdev-ttyport.c, `serdev_tty_port_register`).
///
/// The controller is the port's user instead of a `/dev` node: its device is a prepared,
/// never published `CharDevice` whose fence the client's calls pass, exactly as a file's
/// would. It is removed by the tty driver's `tty_port_unregister_device` at unbind — the
/// client's device first (its driver's remove closes the port), then the fence — and never by
/// the port's destructor: that was the 8ee3fde047 design reverted because a client holding
/// the port open kept the destructor from ever running while the driver was long gone.
///
/// Thread-safe.
public final class SerdevBus: Sendable {
    public let bus: Bus
    let namespace: DevNamespace
    private let numbers = Locked<Set<Int>>([])
    private let clients = Locked<[ObjectID: SerdevDevice]>([:])

    /// Registers the `serial` bus on the namespace's kernel.
    public init(namespace: DevNamespace) throws(DriverCoreError) {
        self.namespace = namespace
        bus = Bus(name: "serial")
        try namespace.kernel.registerBus(bus)
    }

    /// The serdev handle of a client device (for its driver's probe), if it is one.
    public func client(_ device: Device) -> SerdevDevice? { clients.withLock { $0[device.id] } }

    /// `serdev_tty_port_register`: a controller on `binding`'s port with one client device
    /// matching `client`. The controller holds a port reference until its release.
    func addController(_ binding: TTYBinding, parent: Device, client: String, site: CallSite) throws(FileError) -> SerdevController {
        let number = numbers.withLock { n in
            var free = 0  // serdev_controller_alloc's IDA: the lowest free number
            while n.contains(free) { free += 1 }
            n.insert(free)
            return free
        }
        let port = binding.port
        let kernel = namespace.kernel
        // The controller holds the port from here until its release. A failed prepare releases
        // its device itself, before that reference is taken; the flag keeps that release from
        // dropping one the controller never held.
        let holds = Locked(false)
        // The number goes back once: by the release, or here when the prepare failed before
        // making a device (a later registration may have taken it again by then).
        let numberFree = Locked(false)
        let release: @Sendable () -> Void = { [self] in
            if !numberFree.withLock({ free in defer { free = true }; return free }) { freeNumber(number) }
        }
        let cdev: CharDevice
        do throws(FileError) {
            cdev = try CharDevice.prepare(name: "serial\(number)", parent: parent, namespace: namespace, operations: binding,
                                          fileID: site.fileID, line: site.line) {
                if holds.withLock({ held in defer { held = false }; return held }) { port.put() }
                release()
            }
        } catch {
            release()
            throw error
        }
        do throws(FileError) {
            try port.get(fileID: site.fileID, line: site.line)
            holds.withLock { $0 = true }
        } catch {
            cdev.unregister(fileID: site.fileID, line: site.line)
            throw error
        }
        let device = Device(kernel: kernel, name: "serial\(number)-0", bus: bus, parent: cdev.device, matchIDs: [client]) { _ in }
        let controller = SerdevController(cdev: cdev, client: device, bus: self)
        clients.withLock { $0[device.id] = SerdevDevice(controller: controller) }
        do {
            try kernel.register(device, fileID: site.fileID, line: site.line)
        } catch {
            try? device.put(fileID: site.fileID, line: site.line)
            forget(device)
            cdev.unregister(fileID: site.fileID, line: site.line)
            throw FileError(error.errno, "serdev client \(client): \(error)")
        }
        return controller
    }

    func forget(_ device: Device) { clients.withLock { _ = $0.removeValue(forKey: device.id) } }
    private func freeNumber(_ n: Int) { numbers.withLock { _ = $0.remove(n) } }
}

/// A serdev controller on a claimed port (`struct serdev_controller` + serport).
public final class SerdevController: Sendable, CustomStringConvertible {
    /// The unpublished device whose fence the client's calls pass.
    public let cdev: CharDevice
    /// The client device (`serial<N>-0`).
    public let client: Device
    let bus: SerdevBus

    init(cdev: CharDevice, client: Device, bus: SerdevBus) {
        self.cdev = cdev
        self.client = client
        self.bus = bus
    }

    public var description: String { cdev.name }

    /// `serdev_tty_port_unregister`: the client device goes (its driver's remove runs), then the
    /// fence is revoked (waits for client calls in flight), then the registration reference.
    func remove(site: CallSite) {
        if client.state.isPresent { try? client.kernel.unregister(client, fileID: site.fileID, line: site.line) }
        bus.forget(client)
        cdev.unregister(fileID: site.fileID, line: site.line)
    }
}

/// What a serdev client driver holds (`struct serdev_device`): open, write and close of the
/// port, each through the controller's fence — ENODEV once the tty driver unbound, never a
/// call into it.
public final class SerdevDevice: Sendable {
    let controller: SerdevController

    init(controller: SerdevController) { self.controller = controller }

    private func binding<R>(_ what: String, _ body: (TTYBinding) throws(FileError) -> R) throws(FileError) -> R {
        try controller.cdev.withOperations { (ops: (any FileOperations)?) throws(FileError) -> R in
            guard let binding = ops as? TTYBinding else { throw FileError.noDevice("\(what) on \(controller)") }
            return try body(binding)
        }
    }

    /// `serdev_device_open`: received bytes go to `receive` from now on (`receive_buf`).
    public func open(receive: @escaping @Sendable ([UInt8]) -> Void) throws(FileError) {
        try binding("serdev_device_open") { (b) throws(FileError) in try b.serdevOpen(receive: receive) }
    }

    /// `serdev_device_write_buf`.
    public func write(_ data: [UInt8]) throws(FileError) -> Int {
        try binding("serdev_device_write_buf") { (b) throws(FileError) in try b.serdevWrite(data) }
    }

    /// `serdev_device_close`: safe after the controller is gone (nothing left to close).
    public func close() {
        try? binding("serdev_device_close") { (b) throws(FileError) in b.serdevClose() }
    }
}
