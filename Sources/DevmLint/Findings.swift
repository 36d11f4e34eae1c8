/// A position in a source file, 1-based.
public struct SourceLocation: Sendable, Codable, Hashable {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file; self.line = line; self.column = column
    }
}

/// One link of a finding's evidence chain.
public struct Note: Sendable, Codable, Hashable {
    public var location: SourceLocation?
    public var message: String
    public init(location: SourceLocation?, message: String) {
        self.location = location; self.message = message
    }
}

/// The rules this lint reports.
public enum RuleID: String, Sendable, Codable, CaseIterable {
    /// devm memory embeds (or is reached from) an object user space can hold after unbind.
    case devmUAF = "devm-uaf"
    /// A global pointer to devm memory that file operations use and nothing ever clears.
    case devmStaleGlobal = "devm-stale-global"
    /// remove() clears a global or the driver data that a file operation dereferences
    /// without testing it: a NULL dereference for any file opened before unbind.
    case devmNullAfterRemove = "devm-null-after-remove"
    /// devm memory embeds a video_device or v4l2_device that open video nodes keep using.
    case devmV4L2 = "devm-v4l2"
    /// devm memory embeds a tty_port that has a tty node: open ttys keep `tty->port`.
    case devmTTYPort = "devm-tty-port"
    /// A suppression comment without the mandatory reason.
    case badSuppression = "lint-suppression"

    public var summary: String {
        switch self {
        case .devmUAF: "devm-allocated memory reachable by user space after unbind"
        case .devmStaleGlobal: "global pointer to devm memory never cleared on unbind"
        case .devmNullAfterRemove: "pointer cleared by remove() and dereferenced untested by a file operation"
        case .devmV4L2: "devm-allocated memory embeds a V4L2 object that outlives unbind"
        case .devmTTYPort: "devm-allocated memory embeds a tty_port that open ttys use after unbind"
        case .badSuppression: "suppression comment without a reason"
        }
    }

    /// How bad a finding is, as text diagnostics and SARIF `level` say it. Use after free
    /// corrupts memory (error); a NULL dereference oopses the caller but corrupts nothing
    /// (warning); a suppression without a reason is a policy breach (warning).
    public var severity: Severity {
        switch self {
        case .devmUAF, .devmStaleGlobal, .devmV4L2, .devmTTYPort: .error
        case .devmNullAfterRemove, .badSuppression: .warning
        }
    }
}

/// A finding's severity; the raw values are SARIF 2.1.0 `level` values.
public enum Severity: String, Sendable, Codable {
    case error, warning, note
}

/// One reported hazard: where, which rule, the evidence chain, and a suggested fix.
public struct Finding: Sendable, Codable, Hashable {
    public var rule: RuleID
    /// The devm allocation call (the place to change).
    public var location: SourceLocation
    public var message: String
    /// The evidence chain, in order: allocation, embedding, registration, unbind path,
    /// the file operation that reaches the memory.
    public var notes: [Note]
    /// What to do instead.
    public var fix: String
    /// The chain as typed values, for building a witness (nil for `lint-suppression`).
    public var evidence: Evidence? = nil
    /// Set by `devmodel lint --witness`: the witness scenario and what the explorer made of it.
    public var witness: WitnessOutcome? = nil
}

/// The result of a lint run.
public struct LintReport: Sendable, Codable {
    /// Names the JSON document's format, like the CLI's other documents.
    public var schema = "devmodel/lint@1"
    public var findings: [Finding]
    /// Findings silenced by a `devmodel-lint: ignore <rule> -- reason` comment.
    public var suppressed: Int
    /// Files found under the given paths (`.c` and `.h`).
    public var filesScanned: Int
    /// Files fully tokenized and parsed (the others were ruled out by the prefilter).
    public var filesParsed: Int
    /// Inputs that could not be read or were skipped, one line each.
    public var diagnostics: [String]
    /// Paths given to the run (including the tree root) that do not exist.
    public var missingInputs: [String] = []
    /// The directory SARIF URIs are relative to: the kernel tree root when known, else the
    /// working directory of the run.
    public var baseDirectory: String?
    public var seconds: Double

    /// The process exit code rule: 66 (`EX_NOINPUT`, sysexits.h) when a given path or the
    /// tree root does not exist, even though the rest was linted; else 1 when anything is
    /// reported, else 0.
    public var exitCode: Int32 { !missingInputs.isEmpty ? 66 : findings.isEmpty ? 0 : 1 }
}
