import Instrumentation

/// devres groups (devres.c: `devres_open_group`, `_close_group`, `_remove_group`,
/// `_release_group`): a pair of markers that lets a driver release, as one unit, everything
/// it acquired between them — e.g. a sub-function that can fail and be retried.
extension Devres {
    /// Opens a group and returns its id (a fresh one when `id` is nil). Can fail with ENOMEM
    /// under fault injection, as the kernel's kmalloc of the group can.
    @discardableResult
    public func openGroup(_ id: DevresGroupID? = nil, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> DevresGroupID {
        let site = CallSite(fileID: fileID, line: line)
        let group = id ?? .fresh()
        try append(DevresEntry(kind: .groupOpen(group), name: "grp<", site: site), payload: nil, release: nil,
                   fault: .devresAlloc)
        events.emit(.devresGroupOpen, object: deviceID, name: deviceName, detail: group.description, site: site)
        return group
    }

    /// Closes the group `id`, or the newest still-open group when nil. Closing a group that
    /// does not exist or is already closed is an error (the kernel WARNs / BUGs).
    public func closeGroup(_ id: DevresGroupID? = nil, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try checkDeviceUsable("devres_close_group", site: site)
        let closed: DevresGroupID? = nodes.withLock { list in
            guard let (group, isClosed) = Self.findGroup(id, in: list), !isClosed else { return nil }
            list.append(DevresNode(entry: DevresEntry(kind: .groupClose(group), name: "grp>", site: site),
                                   payload: nil, release: nil))
            return group
        }
        guard let closed else {
            throw DriverCoreError.groupNotFound(device: deviceName, group: id?.description ?? "(latest open)", site: site)
        }
        events.emit(.devresGroupClose, object: deviceID, name: deviceName, detail: closed.description, site: site)
    }

    /// Removes the group's markers only; its resources stay, merged into the enclosing scope.
    public func removeGroup(_ id: DevresGroupID? = nil, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try checkDeviceUsable("devres_remove_group", site: site)
        let removed: DevresGroupID? = nodes.withLock { list in
            guard let (group, _) = Self.findGroup(id, in: list) else { return nil }
            list.removeAll { $0.groupOpen == group || $0.groupClose == group }
            return group
        }
        guard let removed else {
            throw DriverCoreError.groupNotFound(device: deviceName, group: id?.description ?? "(latest open)", site: site)
        }
        events.emit(.devresGroupRemove, object: deviceID, name: deviceName, detail: removed.description, site: site)
    }

    /// Releases every resource from the group's open marker to its close marker (or to the
    /// end if still open), newest first, together with every group wholly inside that range;
    /// returns how many resources were released. Groups that only partly overlap the range
    /// keep their markers (devres.c `remove_nodes`, the two-pass colouring).
    @discardableResult
    public func releaseGroup(_ id: DevresGroupID? = nil, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> Int {
        let site = CallSite(fileID: fileID, line: line)
        try checkDeviceUsable("devres_release_group", site: site)
        let taken: [DevresNode]? = nodes.withLock { list in
            guard let (group, _) = Self.findGroup(id, in: list),
                  let first = list.firstIndex(where: { $0.groupOpen == group }) else { return nil }
            let last = list.firstIndex(where: { $0.groupClose == group }) ?? (list.count - 1)
            return Self.removeNodes(from: &list, range: first...last)
        }
        guard let taken else {
            throw DriverCoreError.groupNotFound(device: deviceName, group: id?.description ?? "(latest open)", site: site)
        }
        var released = 0
        for node in taken.reversed() where !node.isGroupMarker {
            run(node, site: site)
            released += 1
        }
        return released
    }

    /// `find_group`: by id (newest first), or the newest group whose close marker is absent.
    static func findGroup(_ id: DevresGroupID?, in list: [DevresNode]) -> (DevresGroupID, closed: Bool)? {
        for node in list.reversed() {
            guard let group = node.groupOpen else { continue }
            let closed = list.contains { $0.groupClose == group }
            if let id {
                if group == id { return (group, closed) }
            } else if !closed {
                return (group, false)
            }
        }
        return nil
    }

    /// Takes the resources in `range` out of `list`, plus the markers of every group wholly
    /// contained in it: a closed group needs both markers inside, an open group only its
    /// open marker. Partially overlapping groups keep their markers.
    static func removeNodes(from list: inout [DevresNode], range: ClosedRange<Int>) -> [DevresNode] {
        var colour: [DevresGroupID: Int] = [:]
        for index in range {
            let node = list[index]
            if let g = node.groupOpen {
                colour[g, default: 0] += 1
                if !list.contains(where: { $0.groupClose == g }) { colour[g, default: 0] += 1 }
            } else if let g = node.groupClose {
                colour[g, default: 0] += 1
            }
        }
        var taken: [DevresNode] = []
        var kept: [DevresNode] = []
        for (index, node) in list.enumerated() {
            let group = node.groupOpen ?? node.groupClose
            let inRange = range.contains(index)
            if inRange && (group == nil || colour[group!] == 2) {
                taken.append(node)
            } else {
                kept.append(node)
            }
        }
        list = kept
        return taken
    }
}
