import Instrumentation
import Synchronization

/// A device's bound-lifetime managed resources: the kernel's devres (drivers/base/devres.c,
/// Documentation/driver-api/driver-model/devres.rst), complete.
///
/// Guarantees, as in the kernel:
/// - Resources are released strictly newest-first (LIFO) across the whole device: on probe
///   failure, after `remove()` at unbind, and at `device_del` / final put for devices that
///   never had a driver (`699fb50d9903`).
/// - Release callbacks run outside the devres lock, on the thread doing the release; they
///   may block. Devres never waits for *users* of a resource: that is what Revocable is for.
/// - Lookups (`find`, `remove`, `destroy`, `release`) search newest-first and match by
///   release-function name plus an optional predicate.
/// - Groups nest; releasing a group also removes every group wholly inside it, and leaves
///   the markers of partially overlapping groups in place (devres.c `remove_nodes`).
///
/// Misuse — removing an action that is not registered, closing or releasing a group that
/// does not exist, using devres of a released device — throws a typed error and changes
/// nothing. Adding to a device other than the one this thread is probing raises a
/// `devres.wrongDevice` warning (class P12 of Docs/bug-classes.md).
///
/// Cost: add is one lock and one array append; release-all is one lock and a reverse walk;
/// lookups are O(n) newest-first, as in the kernel.
public final class Devres: Sendable {
    let kernel: Kernel
    let deviceID: ObjectID
    let deviceName: String
    let nodes = Locked<[DevresNode]>([])
    /// Set once, at the owner's final put: checked on every registration without a lock.
    let ownerReleased = Atomic<Bool>(false)

    /// The kernel's stream and injector, held directly: the registration path reads them for
    /// every node, and going through `kernel` each time costs retains on the hot path.
    let events: EventStream
    let faults: FaultInjector

    init(kernel: Kernel, deviceID: ObjectID, deviceName: String) {
        self.kernel = kernel
        self.events = kernel.events
        self.faults = kernel.faults
        self.deviceID = deviceID
        self.deviceName = deviceName
    }

    /// The current list, oldest first (what `CONFIG_DEBUG_DEVRES` would log).
    public var entries: [DevresEntry] { nodes.withLock { $0.map(\.entry) } }

    /// Number of registered resources (group markers not counted).
    public var count: Int { nodes.withLock { $0.count { !$0.isGroupMarker } } }

    public var isEmpty: Bool { nodes.withLock { $0.isEmpty } }

    // MARK: Adding

    /// `devres_alloc` + `devres_add`: registers `payload` with a release function named
    /// `release`. Fails with ENOMEM only under fault injection (then nothing is registered).
    public func add<P: AnyObject & Sendable>(_ payload: P, release name: String, fileID: StaticString = #fileID, line: UInt = #line,
                                             _ release: @escaping @Sendable (P) -> Void) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try append(DevresEntry(kind: .resource, name: name, site: site), payload: payload,
                   release: { release(payload) }, fault: .devresAlloc)
    }

    /// `devm_kzalloc` and friends: memory freed (logically) when the binding ends. Any use
    /// after that is reported as a use after free.
    public func alloc<T: Sendable>(_ value: T, name: String = "devm_kzalloc",
                                   fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> ModelMemory<T> {
        let site = CallSite(fileID: fileID, line: line)
        // Checked before the memory exists, so a failed allocation leaves nothing behind.
        try checkAdd(name, fault: .devresAlloc, site: site)
        let memory = ModelMemory(value, name: "\(name) of \(deviceName)", events: kernel.events, fileID: site.fileID, line: site.line)
        try append(DevresEntry(kind: .resource, name: name, site: site), payload: memory,
                   release: nil, fault: nil)  // freed by `run`, which knows the releasing call site
        return memory
    }

    /// `devm_kfree`: frees a devres allocation early. Freeing memory that devres does not
    /// manage is reported (the kernel WARNs).
    public func free<T>(_ memory: ModelMemory<T>, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        guard let node = try unlink(where: { $0.payload === memory }, site: site) else {
            throw DriverCoreError.resourceNotFound(device: deviceName, resource: memory.name, site: site)
        }
        events.emit(.devresDestroy, object: deviceID, name: deviceName, detail: node.entry.name, site: site)
        try memory.free(fileID: site.fileID, line: site.line)
    }

    /// `devm_add_action`: runs `action` when the binding ends. On (injected) allocation
    /// failure nothing is registered and the action does not run.
    public func addAction(_ key: ActionKey, fileID: StaticString = #fileID, line: UInt = #line,
                          _ action: @escaping @Sendable () -> Void) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try append(DevresEntry(kind: .action(key), name: key.function, site: site), payload: nil,
                   release: action, fault: .devresAction)
    }

    /// `devm_add_action_or_reset`: as ``addAction(_:fileID:line:_:)``, but if registration fails
    /// the action runs at once before the error is returned, so the caller's resource is
    /// never leaked.
    public func addActionOrReset(_ key: ActionKey, fileID: StaticString = #fileID, line: UInt = #line,
                                 _ action: @escaping @Sendable () -> Void) throws(DriverCoreError) {
        try orReset(action) { () throws(DriverCoreError) in try addAction(key, fileID: fileID, line: line, action) }
    }

    /// `devm_remove_action`: unregisters without running. Not registered → error (WARN).
    public func removeAction(_ key: ActionKey, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        guard try unlink(where: { $0.entry.kind == .action(key) }, site: site) != nil else {
            throw DriverCoreError.resourceNotFound(device: deviceName, resource: key.description, site: site)
        }
        events.emit(.devresRemove, object: deviceID, name: deviceName, detail: key.description, site: site)
    }

    /// `devm_release_action`: unregisters and runs now, exactly once.
    public func releaseAction(_ key: ActionKey, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        guard let node = try unlink(where: { $0.entry.kind == .action(key) }, site: site) else {
            throw DriverCoreError.resourceNotFound(device: deviceName, resource: key.description, site: site)
        }
        run(node, site: site)
    }

    /// `devm_is_action_added`.
    public func isActionAdded(_ key: ActionKey) -> Bool {
        nodes.withLock { $0.contains { $0.entry.kind == .action(key) } }
    }

    // MARK: Lookup by release function and match

    /// `devres_find`: the newest resource with release function `release` whose payload
    /// matches. Does not remove it.
    public func find<P: AnyObject>(_ type: P.Type, release name: String,
                                   where match: (P) -> Bool = { _ in true }) -> P? {
        nodes.withLock { list in
            for node in list.reversed() where node.entry.kind == .resource && node.entry.name == name {
                if let p = node.payload as? P, match(p) { return p }
            }
            return nil
        }
    }

    /// `devres_get`: atomically finds a matching resource or adds `new` (single-instance
    /// resources). Returns whichever is registered afterwards.
    public func get<P: AnyObject & Sendable>(_ new: P, release name: String, where match: (P) -> Bool = { _ in true },
                                             fileID: StaticString = #fileID, line: UInt = #line,
                                             _ release: @escaping @Sendable (P) -> Void) throws(DriverCoreError) -> P {
        let site = CallSite(fileID: fileID, line: line)
        try checkDeviceUsable("devres_get", site: site)
        if faults.shouldFail(.devresAlloc, name: name, device: deviceName, site: site) {
            throw DriverCoreError.outOfMemory(device: deviceName, what: name, site: site)
        }
        let found: P? = nodes.withLock { list in
            for node in list.reversed() where node.entry.kind == .resource && node.entry.name == name {
                if let p = node.payload as? P, match(p) { return p }
            }
            list.append(DevresNode(entry: DevresEntry(kind: .resource, name: name, site: site), payload: new,
                                   release: { release(new) }))
            return nil
        }
        if let found { return found }
        emitAdd(name, site: site)
        return new
    }

    /// `devres_remove`: unlinks the newest match and hands it back; its release is *not*
    /// called — the caller owns it now.
    public func remove<P: AnyObject>(_ type: P.Type, release name: String, where match: @escaping (P) -> Bool = { _ in true },
                                     fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> P? {
        let site = CallSite(fileID: fileID, line: line)
        guard let node = try unlink(where: { Self.matches($0, name, match) }, site: site) else { return nil }
        events.emit(.devresRemove, object: deviceID, name: deviceName, detail: name, site: site)
        return node.payload as? P
    }

    /// `devres_destroy`: unlinks and frees the newest match without calling its release.
    /// Nothing matched → ``DriverCoreError/resourceNotFound(device:resource:site:)`` (-ENOENT).
    public func destroy<P: AnyObject>(_ type: P.Type, release name: String, where match: @escaping (P) -> Bool = { _ in true },
                                      fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        guard let node = try unlink(where: { Self.matches($0, name, match) }, site: site) else {
            throw DriverCoreError.resourceNotFound(device: deviceName, resource: name, site: site)
        }
        events.emit(.devresDestroy, object: deviceID, name: deviceName, detail: name, site: site)
        if let memory = node.payload as? any Freeable { memory.freeQuietly(site: site) }
    }

    /// `devres_release`: unlinks the newest match and calls its release now.
    public func release<P: AnyObject>(_ type: P.Type, release name: String, where match: @escaping (P) -> Bool = { _ in true },
                                      fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        guard let node = try unlink(where: { Self.matches($0, name, match) }, site: site) else {
            throw DriverCoreError.resourceNotFound(device: deviceName, resource: name, site: site)
        }
        run(node, site: site)
    }

    /// `devres_for_each_res`: calls `body` for each match, newest first. `body` must not
    /// touch this device's devres (the kernel holds the devres lock there too).
    public func forEach<P: AnyObject>(_ type: P.Type, release name: String, where match: (P) -> Bool = { _ in true },
                                      _ body: (P) -> Void) {
        let matched: [P] = nodes.withLock { list in
            list.reversed().compactMap { node in
                guard node.entry.kind == .resource, node.entry.name == name, let p = node.payload as? P, match(p) else { return nil }
                return p
            }
        }
        matched.forEach(body)
    }

    // MARK: Internals shared by the group and release paths

    static func matches<P>(_ node: DevresNode, _ name: String, _ match: (P) -> Bool) -> Bool {
        guard node.entry.kind == .resource, node.entry.name == name, let p = node.payload as? P else { return false }
        return match(p)
    }

    func checkDeviceUsable(_ operation: String, site: CallSite) throws(DriverCoreError) {
        if ownerReleased.load(ordering: .acquiring) {
            let error = DriverCoreError.useAfterRelease(device: deviceName, operation: operation, site: site)
            // The detail is the refused operation itself: observers classify by it, never by
            // parsing the error's text.
            events.emit(.refMisuse, object: deviceID, name: deviceName, detail: operation, site: site)
            throw error
        }
        if let probing = ProbeContext.current, probing != deviceID {
            let other = kernel.device(id: probing)?.name ?? probing.description
            kernel.warn(deviceID: deviceID, deviceName: deviceName,
                        "devres '\(operation)' added to \(deviceName) while probing \(other) (P12: wrong device)",
                        kind: .devresWrongDevice, site: site)
        }
    }

    /// The checks every registration passes: the device is not released, and (under fault
    /// injection) the allocation may fail.
    func checkAdd(_ name: String, fault: FaultInjector.PointKind?, site: CallSite) throws(DriverCoreError) {
        try checkDeviceUsable(name, site: site)
        if let fault, faults.shouldFail(fault, name: name, device: deviceName, site: site) {
            throw DriverCoreError.outOfMemory(device: deviceName, what: name, site: site)
        }
    }

    func append(_ entry: DevresEntry, payload: (any AnyObject & Sendable)?, release: (@Sendable () -> Void)?,
                fault: FaultInjector.PointKind?) throws(DriverCoreError) {
        if let fault { try checkAdd(entry.name, fault: fault, site: entry.site) }
        nodes.withLock { $0.append(DevresNode(entry: entry, payload: payload, release: release)) }
        emitAdd(entry.name, site: entry.site)
    }

    func emitAdd(_ name: String, site: CallSite) {
        events.emit(.devresAdd, object: deviceID, name: deviceName, detail: name, site: site)
    }

    /// Unlinks the newest node satisfying `predicate`.
    func unlink(where predicate: (DevresNode) -> Bool, site: CallSite) throws(DriverCoreError) -> DevresNode? {
        if ownerReleased.load(ordering: .acquiring) {
            throw DriverCoreError.useAfterRelease(device: deviceName, operation: "devres lookup", site: site)
        }
        return nodes.withLock { list in
            guard let index = list.lastIndex(where: predicate) else { return nil }
            return list.remove(at: index)
        }
    }

    func run(_ node: DevresNode, site: CallSite) {
        events.emit(.devresRelease, object: deviceID, name: deviceName, detail: node.entry.name, site: node.entry.site)
        if let release = node.release {
            release()
        } else if let memory = node.payload as? any Freeable {
            // devm memory: freed "at" the operation that released it (unbind, delete, put…).
            memory.freeQuietly(site: site)
        }
    }

    /// `devres_release_all`: every node, newest first, callbacks outside the lock.
    /// Returns the number of resources released (group markers not counted).
    @discardableResult
    func releaseAll(site: CallSite) -> Int {
        // Swap the list out under the lock (callbacks run outside it), then pop from the end:
        // popping moves each node out instead of copying it, newest first.
        var all: [DevresNode] = []
        nodes.withLock { swap(&all, &$0) }
        var released = 0
        while let node = all.popLast() {
            guard !node.isGroupMarker else { continue }
            run(node, site: site)
            released += 1
        }
        return released
    }
}

/// Memory that devres can free without running a release callback (`devres_destroy`).
protocol Freeable: AnyObject {
    func freeQuietly(site: CallSite)
}

extension ModelMemory: Freeable {
    func freeQuietly(site: CallSite) { try? free(fileID: site.fileID, line: site.line) }
}

/// The `_or_reset` rule shared by devres and object resources: if registering `action` fails,
/// run it at once, then report the failure, so the caller's resource is never leaked.
func orReset(_ action: @Sendable () -> Void, _ register: () throws(DriverCoreError) -> Void) throws(DriverCoreError) {
    do {
        try register()
    } catch {
        action()
        throw error
    }
}
