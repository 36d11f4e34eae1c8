import Instrumentation

/// A firmware node: a device-tree/ACPI node or a software node (drivers/base/swnode.c), i.e. a
/// named set of properties a device can be described by.
///
/// Ownership rule (drivers/base/test/platform-device-test.c, suite platform-device-swnode): the core destroys only what the core
/// created. A software node the core registered for a device — from `properties`, or a
/// `swnode` that was not yet registered — is unregistered at the device's release; a node the
/// caller registered, or one used as the device's *primary* fwnode, is left alone.
public final class FirmwareNode: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case firmware, software }
    public let id = ObjectID.next()
    public let name: String
    public let kind: Kind
    public let properties: [String: String]

    public init(name: String, kind: Kind = .software, properties: [String: String] = [:]) {
        self.name = name
        self.kind = kind
        self.properties = properties
    }

    public var description: String { "\(kind.rawValue) node \(name)" }
}

/// How a device is described, as `struct platform_device_info` does: at most one of a primary
/// fwnode, a software node, or bare properties (from which the core makes a software node).
public struct FirmwareDescription: Sendable {
    public var fwnode: FirmwareNode?
    public var swnode: FirmwareNode?
    public var properties: [String: String]?

    public init(fwnode: FirmwareNode? = nil, swnode: FirmwareNode? = nil, properties: [String: String]? = nil) {
        self.fwnode = fwnode
        self.swnode = swnode
        self.properties = properties
    }

    public static let none = FirmwareDescription()

    var sources: Int { [fwnode != nil, swnode != nil, properties != nil].count { $0 } }
}

extension Kernel {
    /// `software_node_register`. EEXIST if this node is registered already.
    public func registerSoftwareNode(_ node: FirmwareNode, fileID: StaticString = #fileID, line: UInt = #line) throws(DriverCoreError) {
        let site = CallSite(fileID: fileID, line: line)
        try softwareNodes.withLock { (n: inout [ObjectID: FirmwareNode]) throws(DriverCoreError) in
            guard n[node.id] == nil else { throw DriverCoreError.alreadyRegistered(kind: "software node", name: node.name, site: site) }
            n[node.id] = node
        }
    }

    /// `software_node_unregister`.
    public func unregisterSoftwareNode(_ node: FirmwareNode) {
        softwareNodes.withLock { $0[node.id] = nil }
    }

    public func isRegistered(_ node: FirmwareNode) -> Bool { softwareNodes.withLock { $0[node.id] != nil } }

    /// `bus_find_device_by_fwnode`: the present device on `bus` described by `fwnode`. A nil
    /// node finds nothing (platform-device-match `find_by_null`), never crashes.
    public func findDevice(on bus: Bus, fwnode: FirmwareNode?) -> Device? {
        guard let fwnode else { return nil }
        return devices.first { $0.bus === bus && ($0.firmware.fwnode === fwnode || $0.firmware.swnode === fwnode) }
    }

    /// Applies a device's firmware description at `device_add`: conflicting descriptions are
    /// EINVAL; a software node is registered by the core (and so owned by the device) if needed.
    func attachFirmware(_ device: Device, site: CallSite) throws(DriverCoreError) {
        let description = device.firmware
        guard description.sources <= 1 else {
            throw DriverCoreError.invalidArgument("conflicting firmware descriptions for \(device.name)", site: site)
        }
        var managed: FirmwareNode?
        if let swnode = description.swnode {
            try registerSoftwareNode(swnode, fileID: site.fileID, line: site.line)
            managed = swnode
        } else if let properties = description.properties {
            let node = FirmwareNode(name: "\(device.name)-properties", properties: properties)
            try registerSoftwareNode(node, fileID: site.fileID, line: site.line)
            managed = node
        }
        device.core.withLock { $0.managedSoftwareNode = managed }
    }

    /// At release: the core unregisters what it registered.
    func detachFirmware(_ device: Device) {
        if let node = device.core.withLock({ c in defer { c.managedSoftwareNode = nil }; return c.managedSoftwareNode }) {
            unregisterSoftwareNode(node)
        }
    }
}
