import Foundation

/// Loading a scenario from disk, with the CLI's exit-code classes (sysexits).
///
/// Guarantee: never crashes on any file content; a missing file is ``LoadError/missing(_:)``,
/// a directory ``LoadError/directory(_:)``, an unreadable file ``LoadError/unreadable(_:)``
/// (all exit 66, sysexits' EX_NOINPUT, each with its own message); anything else wrong is
/// ``LoadError/invalid(_:)`` with located diagnostics (exit 65). Cost: one read and one parse.
public enum ScenarioFile {
    public enum LoadError: Error, Sendable, CustomStringConvertible {
        case missing(String)
        /// The path names a directory, not a scenario file.
        case directory(String)
        /// The file exists but cannot be read (permissions).
        case unreadable(String)
        case invalid(ScenarioError)

        /// The process exit status this error maps to.
        public var exitCode: Int32 {
            switch self {
            case .missing, .directory, .unreadable: 66
            case .invalid: 65
            }
        }

        public var description: String {
            switch self {
            case .missing(let path): "devmodel: \(path): no such file"
            case .directory(let path): "devmodel: \(path): is a directory, not a scenario file"
            case .unreadable(let path): "devmodel: \(path): cannot be read"
            case .invalid(let e): e.description
            }
        }
    }

    /// Reads and validates the scenario at `path`; `path` names it in diagnostics.
    public static func load(_ path: String) throws(LoadError) -> Scenario {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missing(path) }
        guard !isDirectory.boolValue else { throw .directory(path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
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
