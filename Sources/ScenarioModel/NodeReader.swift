import Yams

/// Typed, located access to a composed YAML/JSON document. Every failed expectation becomes
/// a ``ScenarioDiagnostic`` at the node's mark; reading never throws, so one pass reports
/// every problem of a file. Cost: linear in the document.
final class NodeReader {
    let file: String
    let lines: [Substring]
    private(set) var diagnostics: [ScenarioDiagnostic] = []

    init(file: String, text: String) {
        self.file = file
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func location(_ node: Node) -> SourceLocation {
        node.mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? SourceLocation(line: 1, column: 1)
    }

    func error(at location: SourceLocation, _ message: String) {
        let line = location.line - 1 < lines.count && location.line >= 1 ? String(lines[location.line - 1]) : ""
        diagnostics.append(ScenarioDiagnostic(file: file, location: location, message: message,
                                              sourceLine: line.trimmingTrailingWhitespace()))
    }

    func error(_ node: Node, _ message: String) { error(at: location(node), message) }

    /// A short rendering of the node for messages: its scalar text or its kind.
    func show(_ node: Node) -> String {
        switch node {
        case .scalar(let s): "'\(s.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    // MARK: Typed values

    func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node, s.tag.description != "tag:yaml.org,2002:null", node.null == nil else {
            error(node, "\(what) must be a string, found \(show(node))")
            return nil
        }
        return s.string
    }

    func int(_ node: Node, _ what: String) -> Int? {
        guard case .scalar = node, let v = node.int else {
            error(node, "\(what) must be an integer, found \(show(node))")
            return nil
        }
        return v
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        guard case .scalar = node, let v = node.bool else {
            error(node, "\(what) must be true or false, found \(show(node))")
            return nil
        }
        return v
    }

    func duration(_ node: Node, _ what: String) -> UInt64? {
        guard case .scalar(let s) = node, let v = Durations.parse(s.string) else {
            error(node, "\(what) must be a duration like 10ms, 2s, 500us, found \(show(node))")
            return nil
        }
        return v
    }

    func list(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let seq) = node else {
            error(node, "\(what) must be a list, found \(show(node))")
            return nil
        }
        return Array(seq)
    }

    func strings(_ node: Node, _ what: String) -> [String]? {
        guard let items = list(node, what) else { return nil }
        let values = items.compactMap { string($0, "an entry of \(what)") }
        return values.count == items.count ? values : nil
    }

    func ints(_ node: Node, _ what: String) -> [Int]? {
        guard let items = list(node, what) else { return nil }
        let values = items.compactMap { int($0, "an entry of \(what)") }
        return values.count == items.count ? values : nil
    }

    /// A mapping whose keys are all among `allowed` (others are reported, with the allowed set).
    func mapping(_ node: Node, _ what: String, allowed: [String]) -> Fields? {
        guard case .mapping(let map) = node else {
            error(node, "\(what) must be a mapping, found \(show(node))")
            return nil
        }
        var fields = Fields(node: node)
        for (key, value) in map {
            guard case .scalar(let k) = key else {
                error(key, "keys of \(what) must be strings")
                continue
            }
            guard allowed.contains(k.string) else {
                error(key, "unknown key '\(k.string)' in \(what); expected one of: \(allowed.joined(separator: ", "))")
                continue
            }
            fields.values.append((k.string, key, value))
        }
        return fields
    }

    /// The pairs of a mapping in file order (for keyed collections like `actors`).
    func pairs(_ node: Node, _ what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let map) = node else {
            error(node, "\(what) must be a mapping, found \(show(node))")
            return nil
        }
        return map.compactMap { key, value in
            guard case .scalar(let k) = key else {
                error(key, "keys of \(what) must be strings")
                return nil
            }
            return (k.string, key, value)
        }
    }

    /// A plain value (for `returns:`).
    func value(_ node: Node) -> ScenarioValue? {
        switch node {
        case .scalar(let s):
            if node.null != nil && s.style == .plain { return .null }
            if let b = node.bool, ["true", "false"].contains(s.string.lowercased()) { return .bool(b) }
            if let i = node.int { return .int(i) }
            return .string(s.string)
        case .sequence(let seq):
            let items = seq.compactMap(value)
            return items.count == seq.count ? .list(items) : nil
        case .mapping(let map):
            var out: [String: ScenarioValue] = [:]
            for (k, v) in map {
                guard let key = k.string, let value = value(v) else { return nil }
                out[key] = value
            }
            return .map(out)
        case .alias:
            error(node, "aliases are not supported")
            return nil
        }
    }
}

/// The fields of one mapping, with the nodes they came from.
struct Fields {
    let node: Node
    var values: [(key: String, keyNode: Node, value: Node)] = []

    subscript(_ key: String) -> Node? { values.first { $0.key == key }?.value }
    func has(_ key: String) -> Bool { values.contains { $0.key == key } }
    func keyNode(_ key: String) -> Node? { values.first { $0.key == key }?.keyNode }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\r" || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
