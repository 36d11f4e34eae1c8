/// Where a lifetime-relevant call was made: `#fileID` and `#line` of the caller.
///
/// Every public entry point of the model that takes or drops a reference, registers or
/// releases a resource, or waits, takes a `site` parameter defaulted to the caller's
/// location, so that reports can say *where* (the way KASAN names the allocation and free
/// stacks). Cost: two words, no allocation (`StaticString`).
public struct CallSite: Sendable, CustomStringConvertible, Hashable {
    public let fileID: StaticString
    public let line: UInt

    @inlinable
    public init(fileID: StaticString = #fileID, line: UInt = #line) {
        self.fileID = fileID
        self.line = line
    }

    /// A site for events the model raises on its own (no user call site).
    public static let model = CallSite(fileID: "<model>", line: 0)

    public var description: String { "\(fileID):\(line)" }

    public static func == (a: CallSite, b: CallSite) -> Bool {
        a.line == b.line && a.fileID.description == b.fileID.description
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fileID.description)
        hasher.combine(line)
    }
}
