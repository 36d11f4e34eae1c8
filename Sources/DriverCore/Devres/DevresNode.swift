import Instrumentation

/// Identifies a devres action the way the kernel does, by its function and its data pointer
/// (`devm_add_action(dev, fn, data)`): two registrations with the same key are the same
/// action for remove/release/is-added.
public struct ActionKey: Hashable, Sendable, CustomStringConvertible {
    public let function: String
    public let data: UInt

    /// An action identified by a function name and an instance (the `data` pointer).
    public init(_ function: String, data: AnyObject) {
        self.function = function
        self.data = UInt(bitPattern: ObjectIdentifier(data).hashValue)
    }

    /// An action identified by a function name and an integer tag.
    public init(_ function: String, tag: UInt = 0) {
        self.function = function
        self.data = tag
    }

    public var description: String { data == 0 ? function : "\(function)(\(String(data, radix: 16)))" }
}

/// A devres group identity (`devres_open_group`'s id).
public struct DevresGroupID: Hashable, Sendable, CustomStringConvertible {
    public let raw: UInt64
    public init(raw: UInt64) { self.raw = raw }
    public static func fresh() -> DevresGroupID { DevresGroupID(raw: ObjectID.next().raw) }
    public var description: String { "group#\(raw)" }
}

/// One entry of a device's devres list, as reported by ``Devres/entries``.
public struct DevresEntry: Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case resource
        case action(ActionKey)
        case groupOpen(DevresGroupID)
        case groupClose(DevresGroupID)
    }
    public let kind: Kind
    /// The release function's name (`devm_kzalloc`, the action's function, `grp<`, `grp>`).
    public let name: String
    public let site: CallSite

    public var description: String {
        switch kind {
        case .resource, .action: "\(name) (\(site))"
        case .groupOpen(let g): "grp< \(g)"
        case .groupClose(let g): "grp> \(g)"
        }
    }
}

/// The internal node: what to release and how. A struct in a contiguous array, so adding a
/// resource costs one array append (plus the caller's closure context), like devres's one
/// list node.
struct DevresNode {
    var entry: DevresEntry
    let payload: (any AnyObject & Sendable)?
    let release: (@Sendable () -> Void)?

    var groupOpen: DevresGroupID? { if case .groupOpen(let g) = entry.kind { g } else { nil } }
    var groupClose: DevresGroupID? { if case .groupClose(let g) = entry.kind { g } else { nil } }
    var isGroupMarker: Bool { groupOpen != nil || groupClose != nil }
}
