/// One located problem in a scenario file, printed the way compilers do:
/// `file:line:col: error: message` followed by the offending source line.
public struct ScenarioDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var location: SourceLocation
    public var message: String
    /// The source line the problem is on (empty if unknown).
    public var sourceLine: String

    public init(file: String, location: SourceLocation, message: String, sourceLine: String = "") {
        self.file = file
        self.location = location
        self.message = message
        self.sourceLine = sourceLine
    }

    public var description: String {
        var text = "\(file):\(location.line):\(location.column): error: \(message)"
        if !sourceLine.isEmpty {
            text += "\n    \(sourceLine)\n    " + String(repeating: " ", count: max(0, location.column - 1)) + "^"
        }
        return text
    }
}

/// A scenario file that cannot run: every problem found, in file order. Nothing of it ran.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [ScenarioDiagnostic]
    public init(_ diagnostics: [ScenarioDiagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
