import Foundation

/// Loading a scenario from disk, with the CLI's exit-code classes (sysexits).
///
/// Guarantee: never crashes on any file content; a missing or unreadable file is
/// ``LoadError/missing(_:)`` (exit 66), anything else wrong is ``LoadError/invalid(_:)`` with
/// located diagnostics (exit 65). Cost: one read and one parse.
public enum ScenarioFile {
    public enum LoadError: Error, Sendable, CustomStringConvertible {
        case missing(String)
        case invalid(ScenarioError)

        /// The process exit status this error maps to.
        public var exitCode: Int32 {
            switch self {
            case .missing: 66
            case .invalid: 65
            }
        }

        public var description: String {
            switch self {
            case .missing(let path): "devmodel: \(path): no such file"
            case .invalid(let e): e.description
            }
        }
    }

    /// Reads and validates the scenario at `path`; `path` names it in diagnostics.
    public static func load(_ path: String) throws(LoadError) -> Scenario {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else { throw .missing(path) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalid(ScenarioError([ScenarioDiagnostic(file: path, location: SourceLocation(line: 1, column: 1),
                                                             message: "not UTF-8 text")]))
        }
        do {
            return try ScenarioParser.parse(text, file: path)
        } catch {
            throw .invalid(error)
        }
    }
}
