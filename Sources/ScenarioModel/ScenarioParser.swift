import Foundation
import Yams

/// Reads scenario files: YAML, or JSON (a subset of YAML, so one parser gives marks for both).
///
/// Guarantee: either a complete, validated ``Scenario`` or a ``ScenarioError`` listing every
/// problem with its `file:line:col` — never a partial scenario, never a crash on bad input.
/// Cost: linear in the file.
public enum ScenarioParser {
    static let topKeys = ["schema", "name", "description", "board", "actors", "expect", "timeout"]
        + DescriptionReader.sections + ["bug"]

    /// Parses and validates `text`; `file` is used in diagnostics only.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> Scenario {
        let reader = NodeReader(file: file, text: text)
        // A JSON document must be JSON: YAML's flow style (which the parser speaks) would also
        // take a trailing comma, unquoted strings or comments.
        if text.drop(while: \.isWhitespace).first == "{", let problem = jsonProblem(text) {
            let idx = problem.location.line - 1
            let line = idx >= 0 && idx < reader.lines.count ? String(reader.lines[idx]).trimmingTrailingWhitespace() : ""
            throw ScenarioError([ScenarioDiagnostic(file: file, location: problem.location, message: problem.message,
                                                    sourceLine: line)])
        }
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                throw ScenarioError([ScenarioDiagnostic(file: file, location: SourceLocation(line: 1, column: 1),
                                                        message: "empty file: expected a scenario mapping")])
            }
            root = composed
        } catch let error as ScenarioError {
            throw error
        } catch {
            throw ScenarioError([syntaxDiagnostic(error, file: file, reader: reader)])
        }
        let scenario = read(root, reader)
        guard reader.diagnostics.isEmpty, let scenario else { throw ScenarioError(sorted(reader.diagnostics)) }
        let problems = ScenarioValidator.validate(scenario, file: file, lines: reader.lines)
        guard problems.isEmpty else { throw ScenarioError(sorted(problems)) }
        return scenario
    }

    /// The document as plain values (no scenario checks): for schema validation and tools.
    /// Nil when the text is not YAML/JSON.
    public static func documentValue(_ text: String) -> ScenarioValue? {
        guard let root = try? Yams.compose(yaml: text) else { return nil }
        return NodeReader(file: "", text: text).value(root)
    }

    static func sorted(_ d: [ScenarioDiagnostic]) -> [ScenarioDiagnostic] {
        d.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    }

    static func syntaxDiagnostic(_ error: any Error, file: String, reader: NodeReader) -> ScenarioDiagnostic {
        var location = SourceLocation(line: 1, column: 1)
        var message = "not valid YAML or JSON"
        if let y = error as? YamlError {
            switch y {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                 .composer(_, let problem, let mark, _):
                location = SourceLocation(line: mark.line, column: mark.column)
                message = "syntax error: \(problem)"
            case .reader(let problem, let offset, let value, let yaml):
                // The offset counts characters of the text; the mark Yams prints is not ours.
                if let offset, let at = yaml.index(yaml.startIndex, offsetBy: offset, limitedBy: yaml.endIndex) {
                    location = position(of: at, in: yaml)
                }
                message = value == 0 ? "syntax error: a NUL byte is not allowed" : "syntax error: \(problem) (character \(value))"
            case .duplicatedKeysInMapping(let duplicates, let context):
                location = SourceLocation(line: context.mark.line, column: context.mark.column)
                message = "duplicate key \(duplicates.joined(separator: ", ")) in mapping"
            default:
                message = "syntax error: \(y)"
            }
        }
        let idx = location.line - 1
        let line = idx >= 0 && idx < reader.lines.count ? String(reader.lines[idx]).trimmingTrailingWhitespace() : ""
        return ScenarioDiagnostic(file: reader.file, location: location, message: message, sourceLine: line)
    }

    /// 1-based line and column (in characters) of `index` in `text`.
    static func position(of index: String.Index, in text: String) -> SourceLocation {
        var line = 1, column = 1
        for c in text[..<index] {
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceLocation(line: line, column: column)
    }

    /// Why `text`, which starts like a JSON document, is not JSON: a trailing comma (located),
    /// or what the JSON parser says. Nil when it is JSON.
    static func jsonProblem(_ text: String) -> (location: SourceLocation, message: String)? {
        var inString = false, escaped = false
        var lastComma: String.Index?
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
                lastComma = nil
            } else if c == "," {
                lastComma = i
            } else if c == "}" || c == "]" {
                if let comma = lastComma {
                    return (position(of: comma, in: text), "a trailing comma before '\(c)' is not JSON")
                }
            } else if !c.isWhitespace {
                lastComma = nil
            }
            i = text.index(after: i)
        }
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
            return nil
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error.localizedDescription)"
            return (SourceLocation(line: 1, column: 1), "not valid JSON: \(detail)")
        }
    }

    static func bugReference(_ node: Node, _ r: NodeReader) -> BugReference? {
        guard let f = r.mapping(node, "bug", allowed: ["reference", "subsystem", "classes"]),
              let reference = f["reference"].flatMap({ r.string($0, "reference") }) else {
            r.error(node, "bug needs 'reference' (a commit id or CVE)")
            return nil
        }
        let classes = f["classes"].flatMap { r.strings($0, "classes") } ?? []
        for c in classes where c.wholeMatch(of: /P([1-9]|1[0-6])/) == nil {
            r.error(f["classes"] ?? node, "unknown bug class '\(c)'; classes are P1…P16 (Docs/bug-classes.md)")
        }
        return BugReference(reference: reference, subsystem: f["subsystem"].flatMap { r.string($0, "subsystem") } ?? "",
                            classes: classes)
    }

    static func read(_ root: Node, _ r: NodeReader) -> Scenario? {
        guard let top = r.mapping(root, "the scenario", allowed: topKeys) else { return nil }
        guard let schemaNode = top["schema"] else {
            r.error(root, "missing 'schema: \(ScenarioSchema.current)' line")
            return nil
        }
        let schema = r.string(schemaNode, "schema")
        if let schema, !ScenarioSchema.supported.contains(schema) {
            r.error(schemaNode, "unsupported schema '\(schema)'; expected one of: \(ScenarioSchema.supported.joined(separator: ", "))")
        }
        var scenario = Scenario(name: "")
        if let n = top["name"] { scenario.name = r.string(n, "name") ?? "" } else { r.error(root, "missing 'name'") }
        if let d = top["description"] { scenario.description = r.string(d, "description") ?? "" }
        if let t = top["timeout"], let ns = r.duration(t, "timeout") {
            if ns == 0 || ns > 3_600_000_000_000 { r.error(t, "timeout must be between 1ns and 3600s") }
            scenario.timeoutNanoseconds = ns
        }
        if let b = top["board"] { scenario.board = BoardReader.read(b, r) }
        if let a = top["actors"] {
            scenario.actors = (r.pairs(a, "actors") ?? []).map { name, keyNode, value in
                ActorSpec(name: name, steps: StepReader.readSteps(value, actor: name, r), location: r.location(keyNode))
            }
        } else {
            r.error(root, "missing 'actors'")
        }
        if let e = top["expect"] { scenario.expect = ExpectReader.readGlobal(e, r) }
        if schema == ScenarioSchema.v1 {
            for key in DescriptionReader.sections + ["bug"] { if let k = top.keyNode(key) { r.error(k, "'\(key)' describes drivers: it needs 'schema: \(ScenarioSchema.v2)'") } }
        } else {
            scenario.described = DescriptionReader.read(top, r)
            if let b = top["bug"] { scenario.bug = bugReference(b, r) }
        }
        return scenario
    }
}
