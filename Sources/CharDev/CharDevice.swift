import DriverCore
import Instrumentation
import Revocable

/// The one lifetime helper every subsystem uses: a character device whose open files outlive
/// its driver, safely: the char-device teardown Laurent Pinchart proposed on the ksummit list (July 2021),
/// done generically (the kernel's fs/char_dev.c leaves it to each subsystem).
///
/// A `CharDevice` is the subsystem-owned object — the struct device and its cdev together, as
/// `cdev_device_add` arranges — refcounted through ``device``: the registration holds one
/// reference, every open file one more, and the device's release runs only after the last
/// close. The driver's side (``FileOperations``) sits behind a `Revocable` fence.
///
/// **Register** initialises everything, then publishes the node (never before, P10).
/// **Each file operation** enters the fence and reaches the operations only inside it.
/// **Unregister**: unpublish (no new opens) → mark gone → revoke (waits only for calls in
/// flight, never for user space holding files) → wake every sleeper and poller (they return
/// ENODEV / HUP) → drop the registration reference. When it returns the driver may free its
/// bound-scope data. **Rebind** registers a fresh `CharDevice`: old files stay dead (P11).
///
/// Cost per file operation: one fence access (~1 ns) plus an in-flight count on the file.
/// Thread-safe: any number of threads may call on any files concurrently.
public final class CharDevice: Sendable, CustomStringConvertible {
    /// The node name (`gpiochip0` → `/dev/gpiochip0`).
    public let name: String
    /// The refcounted object: its release frees the container (the subsystem's object).
    public let device: Device
    public let namespace: DevNamespace
    let fence: OperationsGuard
    /// What calls on old files return once the device is gone.
    public let gone: GoneReplies
    /// Protects `state` for sleepers; a model lock so the explorer sees wake-up races.
    let lock: ModelLock
    let waiters: WaitQueue
    /// The operations' module (`fops->owner`), pinned by every open file.
    let owner: Module?
    private let state = Locked(State())
    private let containerFreed = Locked<CallSite?>(nil)

    struct State {
        var gone = false
        /// Bumped by every ``notify(_:)``: a sleeper sleeps until it changes.
        var generation: UInt64 = 0
        var openFiles = 0
    }

    public var description: String { name }

    /// Registers and publishes a character device
    /// (``prepare(name:parent:namespace:operations:protection:gone:fileID:line:release:)`` then
    /// ``publish(fileID:line:)``).
    ///
    /// - Parameters:
    ///   - name: the node name (`gpiochip0` becomes `/dev/gpiochip0`).
    ///   - parent: the bound device that provides it (its driver's data backs `operations`).
    ///   - namespace: the `/dev` it is published in.
    ///   - operations: the driver's file operations, reached only inside the fence.
    ///   - protection: the fence (``Protection/revocable``), or a legacy pattern for negative controls.
    ///   - gone: what calls on old files return once the device is gone (ENODEV unless the
    ///     subsystem answers otherwise, as a hung-up tty does).
    ///   - fileID: the caller's file, for events and errors.
    ///   - line: the caller's line.
    ///   - release: runs at the object's final put (after the last close), to free the
    ///     subsystem's container.
    /// - Throws: EEXIST if the node name is taken (nothing is left registered).
    public static func register(name: String, parent: Device?, namespace: DevNamespace,
                                operations: any FileOperations, protection: Protection = .revocable,
                                gone: GoneReplies = .noDevice,
                                fileID: StaticString = #fileID, line: UInt = #line,
                                release: (@Sendable () -> Void)? = nil) throws(FileError) -> CharDevice {
        let cdev = try prepare(name: name, parent: parent, namespace: namespace, operations: operations,
                               protection: protection, gone: gone, fileID: fileID, line: line, release: release)
        try cdev.publish(fileID: fileID, line: line)
        return cdev
    }

    /// Creates and adds the device without publishing its node: for subsystems that must
    /// finish wiring their own object to the `CharDevice` before user space can open it.
    /// Call ``publish(fileID:line:)`` next (or ``unregister(fileID:line:)`` to give up).
    public static func prepare(name: String, parent: Device?, namespace: DevNamespace,
                               operations: any FileOperations, protection: Protection = .revocable,
                               gone: GoneReplies = .noDevice,
                               fileID: StaticString = #fileID, line: UInt = #line,
                               release: (@Sendable () -> Void)? = nil) throws(FileError) -> CharDevice {
        // An injectable point (fail-nth): cdev_device_add can fail, and callers must unwind.
        if namespace.kernel.faults.shouldFail(.cdevRegistration, name: "cdev_device_add(\(name))",
                                              device: parent?.name ?? name, site: CallSite(fileID: fileID, line: line)) {
            throw FileError(.ENOMEM, "cdev_device_add(\(name)) failed (injected)")
        }
        let cdev = CharDevice(name: name, parent: parent, namespace: namespace, operations: operations,
                              protection: protection, gone: gone, release: release)
        do {
            try namespace.kernel.add(cdev.device, fileID: fileID, line: line)
        } catch {
            try? cdev.device.put(fileID: fileID, line: line)
            throw FileError(error.errno, error.description)
        }
        return cdev
    }

    /// Publishes the node: from here on user space may open it. The last step of registration.
    public func publish(fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) {
        let site = CallSite(fileID: fileID, line: line)
        do {
            try namespace.publish(self, site: site)
        } catch {
            unregister(fileID: fileID, line: line)
            throw error
        }
        namespace.kernel.events.emit(.cdevRegister, object: device.id, name: name, site: site)
    }

    private init(name: String, parent: Device?, namespace: DevNamespace, operations: any FileOperations,
                 protection: Protection, gone: GoneReplies, release: (@Sendable () -> Void)?) {
        self.name = name
        self.gone = gone
        self.namespace = namespace
        let kernel = namespace.kernel
        fence = OperationsGuard(operations, protection: protection, name: name, events: kernel.events)
        owner = operations.owner
        lock = ModelLock(class: "cdev", name: "\(name).lock", events: kernel.events)
        waiters = WaitQueue(name: "\(name).wait")
        let freed = containerFreed
        device = Device(kernel: kernel, name: name, parent: parent) { dev in
            freed.withLock { $0 = .model }
            release?()
        }
    }

    /// False once unregistration has begun.
    public var isAlive: Bool { !state.withLock { $0.gone } }

    /// Files currently open on this device (node and anonymous files).
    public var openFileCount: Int { state.withLock { $0.openFiles } }

    /// Threads asleep in a blocking read or poll on this device right now: for tools that
    /// must wait until a reader sleeps (the demo), instead of guessing with a timer.
    package var sleepers: Int { waiters.sleepers }

    /// True once the object was released (after unregister and the last close).
    public var isReleased: Bool { containerFreed.withLock { $0 != nil } }

    /// Unregisters: unpublish, mark gone, revoke (waits for calls in flight only), wake all
    /// sleepers and pollers, drop the registration reference. Idempotent. Never waits for user
    /// space: files may stay open for as long as they like.
    public func unregister(fileID: StaticString = #fileID, line: UInt = #line) {
        let site = CallSite(fileID: fileID, line: line)
        let first = lock.withLock(site: site) { () -> Bool in
            state.withLock { s in
                defer { s.gone = true }
                return !s.gone
            }
        }
        guard first else { return }
        namespace.unpublish(self, site: site)
        fence.revoke(site: site)
        lock.withLock(site: site) { waiters.wakeAll(site: site) }
        namespace.kernel.events.emit(.cdevUnregister, object: device.id, name: name, site: site)
        // The parent's deletion may already have deleted our device (children first); the
        // registration reference is ours to drop either way.
        if device.state.isPresent { try? namespace.kernel.delete(device, fileID: fileID, line: line) }
        try? device.put(fileID: fileID, line: line)
    }

    /// New data or a state change: wakes sleepers and pollers so they re-check.
    public func notify(fileID: StaticString = #fileID, line: UInt = #line) {
        let site = CallSite(fileID: fileID, line: line)
        lock.withLock(site: site) {
            state.withLock { $0.generation &+= 1 }
            waiters.wakeAll(site: site)
        }
    }

    /// Opens an anonymous file on this device (`anon_inode_getfd`, e.g. a GPIO line request),
    /// from inside a file operation or a bound callback. It holds a reference on the device and
    /// goes through the same fence.
    public func openAnonymous(name: String, privateData: (any Sendable)?, nonblocking: Bool = false,
                              fileID: StaticString = #fileID, line: UInt = #line) throws(FileError) -> OpenFile {
        let site = CallSite(fileID: fileID, line: line)
        try acquireReference(site: site)
        return try openFile(path: "anon_inode:\(name)", nonblocking: nonblocking, privateData: privateData,
                            referenceHeld: true, site: site, callOpen: false)
    }

    // MARK: The protocol, used by OpenFile

    /// `get_device` on the node's object, or ENODEV once unregistration began. Only safe
    /// where the caller holds something that keeps the registration reference from being
    /// dropped meanwhile: an open file, or the lock of a table the object is still in
    /// (``SubsystemRegistry/lookup(_:where:fileID:line:_:)``, the devfs lock).
    public func acquireReference(site: CallSite) throws(FileError) {
        guard isAlive else { throw FileError.noDevice(name) }
        do {
            try device.get(fileID: site.fileID, line: site.line)
        } catch {
            throw FileError.noDevice(name)
        }
    }

    func dropReference(site: CallSite) {
        try? device.put(fileID: site.fileID, line: site.line)
    }

    func openFile(path: String, nonblocking: Bool, privateData: (any Sendable)?, referenceHeld: Bool,
                  site: CallSite, callOpen: Bool = true) throws(FileError) -> OpenFile {
        let context = FileContext(node: path, nonblocking: nonblocking, privateData: privateData)
        // fops_get: pin the operations' module for as long as the file is open. A node's open
        // fails with ENXIO (chrdev_open), an anonymous file's with ENOENT (anon_inode_getfile).
        if let owner, !owner.tryGet(fileID: site.fileID, line: site.line) {
            dropReference(site: site)
            throw FileError(callOpen ? .ENXIO : .ENOENT, "open of \(path): module \(owner.name) is \(owner.state)")
        }
        do {
            if callOpen {
                let data = try call("open", .open, context, site: site) { (ops, ctx) throws(FileError) in try ops.open(ctx) }
                if let data { context.privateData = data }
            }
        } catch {
            owner?.put(fileID: site.fileID, line: site.line)
            dropReference(site: site)
            throw error
        }
        state.withLock { $0.openFiles += 1 }
        namespace.kernel.events.emit(.fileOpen, object: device.id, name: name, detail: path, site: site)
        return OpenFile(path: path, cdev: self, context: context)
    }

    /// Runs `body` inside the fence; once the device is gone, returns `ifGone` when given (a
    /// hung-up tty's end of file) or fails with the ``gone`` errno of `kind`.
    func call<R>(_ what: String, _ kind: GoneReplies.Call, _ context: FileContext, site: CallSite, ifGone: R? = nil,
                 _ body: (any FileOperations, FileContext) throws(FileError) -> R) throws(FileError) -> R {
        try fence.withAccess { (ops: (any FileOperations)?) throws(FileError) -> R in
            guard let ops else {
                let error = noDevice(what, kind, context, site: site)
                if let ifGone { return ifGone }
                throw error
            }
            // The call is in flight in the driver: an unbind may start now (and must wait).
            Scheduling.point(.call(device.id, name: "\(what) \(name)"), site: site)
            return try body(ops, context)
        }
    }

    /// The error of a call on a gone device (ENODEV, or the subsystem's ``gone`` reply),
    /// recorded as such.
    func noDevice(_ what: String, _ kind: GoneReplies.Call, _ context: FileContext, site: CallSite) -> FileError {
        let errno = gone.errno(kind)
        namespace.kernel.events.emit(.fileNoDevice, object: device.id, name: name,
                                     detail: "\(what): \(errno.map { "\($0)" } ?? "end of file")", site: site)
        guard let errno, errno != .ENODEV else { return FileError.noDevice("\(what) on \(context.node)") }
        return FileError(errno, "\(what) on \(context.node): the device is gone")
    }

    /// Runs `body` inside the fence with the operations, or with `nil` once the device is
    /// gone: for a subsystem's in-kernel consumer API (a GPIO descriptor, an I2C client), so
    /// kernel users and files share the one fence.
    public func withOperations<R, E: Error>(_ body: ((any FileOperations)?) throws(E) -> R) throws(E) -> R {
        try fence.withAccess { (ops: (any FileOperations)?) throws(E) -> R in
            // As for files: the consumer's call is in flight in the driver.
            if ops != nil { Scheduling.point(.call(device.id, name: "kernel call \(name)")) }
            return try body(ops)
        }
    }

    var generation: UInt64 { state.withLock { $0.generation } }
    var isGone: Bool { state.withLock { $0.gone } }

    /// True once no new call reaches the operations: the fence is closed (its revoke has
    /// begun), or, for the legacy protections, the device is marked gone.
    var isClosedToCalls: Bool {
        switch fence {
        case .fenced(let revocable): revocable.isRevoked
        case .unfenced(_, let gone): gone.isSet
        case .unchecked: isGone
        }
    }

    /// Sleeps (outside the fence) until `notify`, unregistration, or `deadline`.
    /// Returns false on timeout.
    func sleep(since generation: UInt64, deadline: UInt64?, site: CallSite) -> Bool {
        lock.withLock(site: site) {
            // Woken for good only once no new call can reach the driver (the fence is closed),
            // not as soon as unregistration began: a sleeper that returned ENODEV earlier could
            // call in again and still get through, and ENODEV must be final.
            let condition = { self.isClosedToCalls || self.state.withLock { $0.generation != generation } }
            if let deadline {
                let now = monotonicNanoseconds()
                guard now < deadline else { return condition() }
                return waiters.wait(until: condition, holding: lock, timeoutNanoseconds: deadline - now, site: site)
            }
            waiters.wait(until: condition, holding: lock, site: site)
            return true
        }
    }

    func fileClosed(_ context: FileContext, site: CallSite) {
        // Release the file's driver-side state only if the driver is still there; once it is
        // gone there is nothing to release on its side (and no error: close always succeeds).
        fence.withAccess { (ops: (any FileOperations)?) in
            guard let ops else { return }
            Scheduling.point(.call(device.id, name: "release \(name)"), site: site)
            ops.release(context)
        }
        state.withLock { $0.openFiles -= 1 }
        namespace.kernel.events.emit(.fileClose, object: device.id, name: name, detail: context.node, site: site)
        // fops_put (__fput): the module may go once its last file is closed.
        owner?.put(fileID: site.fileID, line: site.line)
        dropReference(site: site)
    }
}
