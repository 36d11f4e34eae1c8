/// What a described variable or member holds: an integer, NULL, or a reference into a
/// struct (the struct itself, or one of its embedded members).
public enum Value: Sendable, CustomStringConvertible {
    case integer(Int)
    case null
    case reference(Reference)

    /// Zero or NULL: what `if (!x)` tests.
    public var isZero: Bool {
        switch self {
        case .integer(let i): i == 0
        case .null: true
        case .reference: false
        }
    }

    public var description: String {
        switch self {
        case .integer(let i): "\(i)"
        case .null: "NULL"
        case .reference(let r): "&\(r)"
        }
    }
}

/// A pointer into a described struct: the allocation and the path of embedded members from
/// its start (empty: the struct itself). Taking one never touches memory, as in C.
public struct Reference: Sendable, CustomStringConvertible {
    public let object: DescribedObject
    public let path: [String]
    public init(_ object: DescribedObject, path: [String] = []) {
        self.object = object
        self.path = path
    }
    /// The member key inside the allocation ("cdev", "inner.lock").
    public var key: String { path.joined(separator: ".") }
    public var description: String { path.isEmpty ? object.name : "\(object.name).\(key)" }
}
