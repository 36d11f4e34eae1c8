import Instrumentation

/// Object-lifetime managed resources: DRM's drmm_ idea (drivers/gpu/drm/drm_managed.c)
/// for any refcounted object of the model.
///
/// Actions and allocations registered here are tied to the *object's* reference count: they
/// are released newest-first at the final put, never at unbind. This is where memory that
/// user space can still reach after unbind belongs (the container of a cdev, a subsystem
/// object), instead of devres — the fix for class P1 of Docs/bug-classes.md.
///
/// Guarantees: each action runs exactly once — at the final put, or earlier through
/// ``releaseAction(_:fileID:line:)``; release order is the exact reverse of registration; using this
/// after the owner's release throws. Cost: one lock and one append per registration.
public final class ObjectResources: Sendable {
    let kernel: Kernel
    let ownerID: ObjectID
    let ownerName: String
    let ownerCore: Locked<DeviceCore>
    private let nodes = Locked<[DevresNode]>([])

    init(kernel: Kernel, ownerID: ObjectID, ownerName: String, ownerCore: Locked<DeviceCore>) {
        self.kernel = kernel
        self.ownerID = ownerID
        self.ownerName = ownerName
        self.ownerCore = ownerCore
    }

    /// Registered entries, oldest first.
    public var entries: [DevresEntry] { nodes.withLock { $0.map(\.entry) } }
    public var count: Int { nodes.withLock { $0.count } }

    /// `drmm_add_action`: runs `action` at the owner's final put.
    public func addAction(_ key: ActionKey, fileID: StaticString = #fileID, line: UInt = #line,
                          _ action: @escaping @Sendable () -> Void) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try append(DevresNode(entry: DevresEntry(kind: .action(key), name: key.function, site: site),
                              payload: nil, release: action))
    }

    /// `drmm_add_action_or_reset`: on failure the action runs at once and the error is returned.
    public func addActionOrReset(_ key: ActionKey, fileID: StaticString = #fileID, line: UInt = #line,
                                 _ action: @escaping @Sendable () -> Void) throws(DriverCoreError) {
        try orReset(action) { () throws(DriverCoreError) in try addAction(key, fileID: fileID, line: line, action) }
    }

    /// `drmm_release_action`: runs the action now and unregisters it, so it does not run
    /// again at the final put. Not registered → error (the kernel WARNs).
    public func releaseAction(_ key: ActionKey, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try checkOwner("drmm_release_action", site: site)
        let node = nodes.withLock { list -> DevresNode? in
            guard let i = list.lastIndex(where: { $0.entry.kind == .action(key) }) else { return nil }
            return list.remove(at: i)
        }
        guard let node else {
            throw DriverCoreError.resourceNotFound(device: ownerName, resource: key.description, site: site)
        }
        run(node)
    }

    public func isActionAdded(_ key: ActionKey) -> Bool {
        nodes.withLock { $0.contains { $0.entry.kind == .action(key) } }
    }

    /// `drmm_kzalloc`: memory freed at the owner's final put.
    public func alloc<T: Sendable>(_ value: T, name: String = "drmm_kzalloc",
                                   fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> ModelMemory<T> {
        let site = CallSite(fileID: fileID, line: line)
        try checkAdd(name, site: site)
        let memory = ModelMemory(value, name: "\(name) of \(ownerName)", events: kernel.events, fileID: site.fileID, line: site.line)
        insert(DevresNode(entry: DevresEntry(kind: .resource, name: name, site: site), payload: memory,
                          release: nil))  // freed by `run` with the final put's site
        return memory
    }

    /// `drmm_kfree`: frees early. Memory not managed here → error.
    public func free<T>(_ memory: ModelMemory<T>, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try checkOwner("drmm_kfree", site: site)
        let found = nodes.withLock { list -> Bool in
            guard let i = list.lastIndex(where: { $0.payload === memory }) else { return false }
            list.remove(at: i)
            return true
        }
        guard found else { throw DriverCoreError.resourceNotFound(device: ownerName, resource: memory.name, site: site) }
        try memory.free(fileID: site.fileID, line: site.line)
    }

    private func checkOwner(_ operation: String, site: CallSite) throws(DriverCoreError) {
        if ownerCore.withLock({ $0.state }) == .released {
            throw DriverCoreError.useAfterRelease(device: ownerName, operation: operation, site: site)
        }
    }

    private func checkAdd(_ name: String, site: CallSite) throws(DriverCoreError) {
        try checkOwner(name, site: site)
        if kernel.faults.shouldFail(.objectAction, name: name, device: ownerName, site: site) {
            throw DriverCoreError.outOfMemory(device: ownerName, what: name, site: site)
        }
    }

    private func append(_ node: DevresNode) throws(DriverCoreError) {
        try checkAdd(node.entry.name, site: node.entry.site)
        insert(node)
    }

    private func insert(_ node: DevresNode) {
        nodes.withLock { $0.append(node) }
        kernel.events.emit(.objectResourceAdd, object: ownerID, name: ownerName, detail: node.entry.name, site: node.entry.site)
    }

    private func run(_ node: DevresNode, site: CallSite = .model) {
        kernel.events.emit(.objectResourceRelease, object: ownerID, name: ownerName, detail: node.entry.name,
                           site: node.entry.site)
        if let release = node.release {
            release()
        } else if let memory = node.payload as? any Freeable {
            memory.freeQuietly(site: site)
        }
    }

    /// Everything, newest first (at the final put).
    func releaseAll(site: CallSite) {
        var all: [DevresNode] = []
        nodes.withLock { swap(&all, &$0) }
        while let node = all.popLast() { run(node, site: site) }
    }
}
