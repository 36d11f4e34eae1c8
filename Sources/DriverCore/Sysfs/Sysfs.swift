import Instrumentation

/// The sysfs attribute files of one kernel's devices (fs/sysfs/group.c, fs/kernfs/).
///
/// **Guarantees.** A `show` or `store` runs only inside its file's active reference.
/// ``removeGroup(_:from:fileID:line:)`` takes the files out of the namespace (no new open finds
/// them), then deactivates each and waits for the callbacks already in flight — only those:
/// never for user space holding the file open. When it returns no callback of the group runs
/// or will run; a file still open gets ENODEV from every later read and write
/// (``SysfsFile``). Deleting a device removes whatever attribute files it still has
/// (`device_del` → `kobject_del`).
///
/// A bound driver's `dev_groups` (``DeviceDriver/deviceGroups``) are created by the core after
/// a successful probe and removed before `remove()` (drivers/base/dd.c `really_probe`,
/// `__device_release_driver`), so their callbacks see the driver's data for their whole run.
///
/// Cost: one model lock per create, remove and open; a callback pays one fence access.
/// Thread-safe. Removal may block (on callbacks in flight).
public final class Sysfs: Sendable {
    let events: EventStream
    /// `kernfs_rwsem`: a model lock, so the explorer can interleave opens and removals.
    let lock: ModelLock
    private let nodes = Locked<[String: KernfsNode]>([:])

    init(events: EventStream) {
        self.events = events
        lock = ModelLock(class: "kernfs", name: "kernfs", events: events)
    }

    /// Paths of the attribute files that exist now, sorted (`gpio-sim.0/ofn/reg_addr`).
    public var paths: [String] { nodes.withLock { $0.keys.sorted() } }

    /// `sysfs_create_group()`: creates the group's visible attributes on `device`.
    /// - Throws: EEXIST if a file of that path exists (what was created is removed again),
    ///   ENODEV if the device is not added.
    public func createGroup(_ group: AttributeGroup, on device: Device,
                            fileID: StaticString = #fileID, line: UInt = #line) throws(SysfsError) {
        let site = CallSite(fileID: fileID, line: line)
        guard device.state.isPresent else {
            throw SysfsError(.ENODEV, "sysfs_create_group on \(device.name): device not added (\(device.state))")
        }
        let visible = group.attributes.filter { group.isVisible?(device, $0) ?? true }
        let made = visible.map { KernfsNode(path: group.path(of: $0, on: device), device: device, attribute: $0, events: events) }
        try lock.withLock(site: site) { () throws(SysfsError) in
            try nodes.withLock { (table: inout [String: KernfsNode]) throws(SysfsError) in
                if let taken = made.first(where: { table[$0.path] != nil }) {
                    throw SysfsError(.EEXIST, "sysfs: cannot create duplicate filename '\(taken.path)'")
                }
                for node in made { table[node.path] = node }
            }
        }
        for node in made { events.emit(.sysfsAdd, object: device.id, name: device.name, detail: node.path, site: site) }
    }

    /// `sysfs_remove_group()`: removes the group's files from `device` and waits for their
    /// callbacks in flight. Files already gone are skipped; returns whether any was removed.
    @discardableResult
    public func removeGroup(_ group: AttributeGroup, from device: Device,
                            fileID: StaticString = #fileID, line: UInt = #line) -> Bool {
        let paths = Set(group.attributes.map { group.path(of: $0, on: device) })
        return remove(where: { paths.contains($0.path) && $0.device === device }, site: CallSite(fileID: fileID, line: line))
    }

    /// `device_add_groups()`: every group, or none (the ones created are removed on a failure).
    public func addGroups(_ groups: [AttributeGroup], on device: Device,
                          fileID: StaticString = #fileID, line: UInt = #line) throws(SysfsError) {
        for (i, group) in groups.enumerated() {
            do {
                try createGroup(group, on: device, fileID: fileID, line: line)
            } catch {
                removeGroups(Array(groups[..<i]), from: device, fileID: fileID, line: line)
                throw error
            }
        }
    }

    /// `device_remove_groups()`: the groups' files, newest group first.
    public func removeGroups(_ groups: [AttributeGroup], from device: Device,
                             fileID: StaticString = #fileID, line: UInt = #line) {
        for group in groups.reversed() { removeGroup(group, from: device, fileID: fileID, line: line) }
    }

    /// `open(2)` of an attribute file (`kernfs_fop_open`). ENOENT if no such file.
    public func open(_ path: String, fileID: StaticString = #fileID, line: UInt = #line) throws(SysfsError) -> SysfsFile {
        let site = CallSite(fileID: fileID, line: line)
        let node = lock.withLock(site: site) { nodes.withLock { $0[path] } }
        guard let node else { throw SysfsError(.ENOENT, "\(path): no such file or directory") }
        // Opening needs the node active too (kernfs_fop_open takes an active reference).
        try node.withActive("open", events: events, site: site) { (_: DeviceAttribute) throws(SysfsError) in }
        return SysfsFile(node: node, sysfs: self)
    }

    /// Reads an attribute file once: open, read, close (`cat`).
    public func read(_ path: String, fileID: StaticString = #fileID, line: UInt = #line) throws(SysfsError) -> String {
        try open(path, fileID: fileID, line: line).read(fileID: fileID, line: line)
    }

    /// Writes an attribute file once (`echo value > path`); returns the bytes accepted.
    @discardableResult
    public func write(_ path: String, _ value: String, fileID: StaticString = #fileID, line: UInt = #line) throws(SysfsError) -> Int {
        try open(path, fileID: fileID, line: line).write(value, fileID: fileID, line: line)
    }

    /// Every attribute file of `device` (`device_del`: the directory goes with its files).
    func removeAll(of device: Device, site: CallSite) {
        remove(where: { $0.device === device }, site: site)
    }

    /// Forgets every file without draining: for a tool that throws a whole kernel away.
    func discard() { nodes.withLock { $0 = [:] } }

    /// Out of the table under the lock first (no open finds them), then each drained outside
    /// it, as `kernfs_remove` drops `kernfs_rwsem` around `kernfs_drain`.
    @discardableResult
    private func remove(where matches: (KernfsNode) -> Bool, site: CallSite) -> Bool {
        let removed = lock.withLock(site: site) {
            nodes.withLock { table -> [KernfsNode] in
                let gone = table.values.filter(matches).sorted { $0.path < $1.path }
                for node in gone { table[node.path] = nil }
                return gone
            }
        }
        for node in removed {
            node.deactivate(site: site)
            events.emit(.sysfsRemove, object: node.device.id, name: node.device.name, detail: node.path, site: site)
        }
        return !removed.isEmpty
    }
}
