import Instrumentation

/// Flags of a device link (include/linux/device.h `DL_FLAG_*`), the common subset.
public struct DeviceLinkFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The core does not manage the link: no probe ordering, no forced unbind.
    public static let stateless = DeviceLinkFlags(rawValue: 1 << 0)
    /// Drop the link when the consumer unbinds.
    public static let autoremoveConsumer = DeviceLinkFlags(rawValue: 1 << 1)
    /// Probe the consumer as soon as the supplier binds.
    public static let autoprobeConsumer = DeviceLinkFlags(rawValue: 1 << 2)
    /// Drop the link when the supplier unbinds.
    public static let autoremoveSupplier = DeviceLinkFlags(rawValue: 1 << 3)
}

/// The state of a managed link (`enum device_link_state`).
public enum DeviceLinkState: String, Sendable, Codable {
    /// The supplier is not bound.
    case dormant
    /// The supplier is bound; the consumer is not.
    case available
    case consumerProbe = "consumer-probe"
    /// Both are bound.
    case active
    case supplierUnbind = "supplier-unbind"
    /// Stateless links carry no state.
    case none
}

/// A supplier → consumer dependency between two devices (drivers/base/core.c device links).
///
/// Guarantees for managed (non-stateless) links: the consumer does not probe before the
/// supplier is bound (it defers, "wait for supplier X"); unbinding the supplier first unbinds
/// the consumer; deleting either device drops the link. Each link holds no device reference
/// beyond the devices' own lifetimes: it is purged when either is deleted.
public final class DeviceLink: Sendable, CustomStringConvertible {
    public let id = ObjectID.next()
    public let supplier: Device
    public let consumer: Device
    public let flags: DeviceLinkFlags
    let stateStore: Locked<DeviceLinkState>

    init(supplier: Device, consumer: Device, flags: DeviceLinkFlags, state: DeviceLinkState) {
        self.supplier = supplier
        self.consumer = consumer
        self.flags = flags
        self.stateStore = Locked(state)
    }

    public var state: DeviceLinkState { stateStore.withLock { $0 } }
    public var isManaged: Bool { !flags.contains(.stateless) }
    public var description: String { "\(supplier.name) -> \(consumer.name) [\(state.rawValue)]" }
}

extension Kernel {
    /// `device_link_add()`. An existing link between the same pair is returned as is.
    /// Refused: a link from a device to itself, or one that would close a dependency cycle.
    @discardableResult
    public func addLink(supplier: Device, consumer: Device, flags: DeviceLinkFlags = [],
                        fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) -> DeviceLink {
        let site = CallSite(fileID: fileID, line: line)
        try supplier.checkNotReleased("link supplier", site: site)
        try consumer.checkNotReleased("link consumer", site: site)
        guard supplier !== consumer else {
            throw DriverCoreError.invalidArgument("device link from \(supplier.name) to itself", site: site)
        }
        let link = try registry.withLock { r throws(DriverCoreError) -> DeviceLink in
            if let existing = r.links.first(where: { $0.supplier === supplier && $0.consumer === consumer }) {
                return existing
            }
            if Self.dependsOn(supplier, consumer, links: r.links) {
                throw DriverCoreError.linkCycle(supplier: supplier.name, consumer: consumer.name, site: site)
            }
            let state: DeviceLinkState
            if flags.contains(.stateless) {
                state = .none
            } else if supplier.state == .bound {
                state = consumer.state == .bound ? .active : .available
            } else {
                state = .dormant
            }
            let link = DeviceLink(supplier: supplier, consumer: consumer, flags: flags, state: state)
            r.links.append(link)
            return link
        }
        events.emit(.linkAdd, object: link.id, name: link.description, detail: "\(flags.rawValue)", site: site)
        return link
    }

    /// `device_link_del()`.
    public func removeLink(_ link: DeviceLink, fileID: StaticString = #fileID, line: UInt = #line) {
        let site = CallSite(fileID: fileID, line: line)
        let removed = registry.withLock { r -> Bool in
            let before = r.links.count
            r.links.removeAll { $0 === link }
            return r.links.count != before
        }
        if removed { events.emit(.linkRemove, object: link.id, name: link.description, site: site) }
    }

    /// Every link, in the order added.
    public var links: [DeviceLink] { registry.withLock { $0.links } }

    /// True if `device` is (transitively) a supplier-dependent of `candidate`: i.e. `candidate`
    /// is reachable from `device` by walking consumer edges.
    static func dependsOn(_ device: Device, _ candidate: Device, links: [DeviceLink]) -> Bool {
        var stack = [candidate]
        var seen = Set<ObjectID>()
        while let d = stack.popLast() {
            if d === device { return true }
            guard seen.insert(d.id).inserted else { continue }
            stack.append(contentsOf: links.filter { $0.supplier === d }.map(\.consumer))
        }
        return false
    }

    private func managedLinks(where predicate: (DeviceLink) -> Bool) -> [DeviceLink] {
        registry.withLock { $0.links.filter { $0.isManaged && predicate($0) } }
    }

    private func setState(_ link: DeviceLink, _ state: DeviceLinkState) {
        let changed = link.stateStore.withLock { s -> Bool in
            defer { s = state }
            return s != state
        }
        if changed { events.emit(.linkState, object: link.id, name: link.description, detail: state.rawValue) }
    }

    /// The reason to defer, if a supplier of `device` is not bound yet.
    func waitingSupplier(of device: Device) -> String? {
        managedLinks { $0.consumer === device }
            .first { $0.supplier.state != .bound }
            .map { "wait for supplier \($0.supplier.name)" }
    }

    func linksConsumerProbing(_ device: Device) {
        for link in managedLinks(where: { $0.consumer === device }) { setState(link, .consumerProbe) }
    }

    func linksConsumerProbeFailed(_ device: Device) {
        for link in managedLinks(where: { $0.consumer === device }) { setState(link, .available) }
    }

    func linksConsumerBound(_ device: Device) {
        for link in managedLinks(where: { $0.consumer === device }) { setState(link, .active) }
    }

    /// After `device` bound as a supplier: its links become available and consumers that
    /// asked for it are probed.
    func supplierBound(_ device: Device, site: CallSite) {
        for link in managedLinks(where: { $0.supplier === device }) {
            if link.consumer.state != .bound { setState(link, .available) }
            if link.flags.contains(.autoprobeConsumer), link.consumer.state.isPresent,
               link.consumer.core.withLock({ $0.driver == nil }) {
                attach(link.consumer, site: site)
            }
        }
    }

    /// `device_links_unbind_consumers`: before a supplier unbinds, its bound consumers go.
    func unbindConsumers(of device: Device, site: CallSite) {
        for link in managedLinks(where: { $0.supplier === device }) {
            if link.consumer.state == .bound {
                setState(link, .supplierUnbind)
                releaseDriver(link.consumer, site: site)
            }
        }
    }

    /// After `device` unbound: consumer links with autoremove-consumer go away, others become
    /// available; supplier links go dormant (or away with autoremove-supplier).
    func linksDeviceUnbound(_ device: Device, site: CallSite) {
        for link in managedLinks(where: { $0.consumer === device }) {
            if link.flags.contains(.autoremoveConsumer) {
                removeLink(link, fileID: site.fileID, line: site.line)
            } else if link.supplier.state == .bound {
                setState(link, .available)
            }
        }
        for link in managedLinks(where: { $0.supplier === device }) {
            if link.flags.contains(.autoremoveSupplier) {
                removeLink(link, fileID: site.fileID, line: site.line)
            } else {
                setState(link, .dormant)
            }
        }
    }

    /// `device_links_purge`: a deleted device takes its links with it.
    func purgeLinks(of device: Device, site: CallSite) {
        let doomed = registry.withLock { $0.links.filter { $0.supplier === device || $0.consumer === device } }
        for link in doomed { removeLink(link, fileID: site.fileID, line: site.line) }
    }
}
