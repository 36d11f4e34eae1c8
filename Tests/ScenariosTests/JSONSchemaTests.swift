import Foundation
import Testing
@testable import ScenarioModel

/// A validator for the subset of JSON Schema (2020-12) that `Schemas/scenario-v1.schema.json`
/// uses: type, const, enum, properties, required, additionalProperties, items, minItems,
/// minimum, maximum, minLength, pattern, oneOf, $ref to #/$defs. Returns every violation
/// with its JSON pointer.
struct MiniSchemaValidator {
    let root: [String: Any]

    func validate(_ v: ScenarioValue) -> [String] { check(v, against: root, at: "") }

    private func typeName(_ v: ScenarioValue) -> String {
        switch v {
        case .null: "null"
        case .int: "integer"
        case .bool: "boolean"
        case .string: "string"
        case .list: "array"
        case .map: "object"
        }
    }

    private func equal(_ v: ScenarioValue, _ any: Any) -> Bool {
        switch v {
        case .string(let s): (any as? String) == s
        case .int(let i): (any as? Int) == i && !(any is Bool)
        case .bool(let b): (any as? Bool) == b
        case .null: any is NSNull
        default: false
        }
    }

    private func check(_ v: ScenarioValue, against schemaAny: Any, at path: String) -> [String] {
        guard var schema = schemaAny as? [String: Any] else { return [] }
        if let ref = schema["$ref"] as? String {
            let name = String(ref.dropFirst("#/$defs/".count))
            guard let defs = root["$defs"] as? [String: Any], let target = defs[name] as? [String: Any] else {
                return ["\(path): unresolved \(ref)"]
            }
            schema = target.merging(schema.filter { $0.key != "$ref" }) { a, _ in a }
        }
        var errors: [String] = []
        if let t = schema["type"] {
            let allowed = (t as? [String]) ?? [t as? String ?? ""]
            let actual = typeName(v)
            if !allowed.contains(actual) { return ["\(path): \(actual) is not \(allowed.joined(separator: "|"))"] }
        }
        if let c = schema["const"], !equal(v, c) { errors.append("\(path): not the constant \(c)") }
        if let e = schema["enum"] as? [Any], !e.contains(where: { equal(v, $0) }) { errors.append("\(path): \(v) not in enum") }
        if case .string(let s) = v {
            if let m = schema["minLength"] as? Int, s.count < m { errors.append("\(path): shorter than \(m)") }
            if let p = schema["pattern"] as? String, s.range(of: p, options: .regularExpression) == nil {
                errors.append("\(path): '\(s)' does not match \(p)")
            }
        }
        if case .int(let i) = v {
            if let m = schema["minimum"] as? Int, i < m { errors.append("\(path): \(i) < \(m)") }
            if let m = schema["maximum"] as? Int, i > m { errors.append("\(path): \(i) > \(m)") }
        }
        if case .list(let items) = v {
            if let m = schema["minItems"] as? Int, items.count < m { errors.append("\(path): fewer than \(m) items") }
            if let itemSchema = schema["items"] {
                for (n, item) in items.enumerated() { errors += check(item, against: itemSchema, at: "\(path)/\(n)") }
            }
        }
        if case .map(let fields) = v {
            let props = schema["properties"] as? [String: Any] ?? [:]
            for r in schema["required"] as? [String] ?? [] where fields[r] == nil { errors.append("\(path): missing \(r)") }
            for (k, value) in fields {
                if let p = props[k] {
                    errors += check(value, against: p, at: "\(path)/\(k)")
                } else if let extra = schema["additionalProperties"] {
                    if (extra as? Bool) == false { errors.append("\(path): unexpected key \(k)") }
                    else { errors += check(value, against: extra, at: "\(path)/\(k)") }
                }
            }
        }
        if let alternatives = schema["oneOf"] as? [Any] {
            let passing = alternatives.filter { check(v, against: $0, at: path).isEmpty }.count
            if passing != 1 { errors.append("\(path): matches \(passing) of oneOf, not exactly 1") }
        }
        return errors
    }
}

@Suite struct JSONSchemaTests {
    static let schemaURL = Examples.directory.deletingLastPathComponent().appendingPathComponent("Schemas/scenario-v1.schema.json")

    static func validator() throws -> MiniSchemaValidator {
        let data = try Data(contentsOf: schemaURL)
        return MiniSchemaValidator(root: try #require(JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }

    @Test(arguments: Examples.files.map(\.lastPathComponent))
    func exampleConformsToTheSchema(_ name: String) throws {
        let text = try String(contentsOf: Examples.directory.appendingPathComponent(name), encoding: .utf8)
        let value = try #require(ScenarioParser.documentValue(text))
        let errors = try Self.validator().validate(value)
        #expect(errors.isEmpty, "\(errors)")
    }

    /// The validator is not vacuous: it rejects what the parser rejects structurally.
    @Test(arguments: [
        "schema: devmodel/scenario@1\nname: t\nactors: {}\nextra: 1\n",
        "schema: devmodel/scenario@3\nname: t\nactors: {}\n",
        "schema: devmodel/scenario@1\nname: t\nactors:\n  a:\n    - unbind: x\n      sleep: 1ms\n",
        "schema: devmodel/scenario@1\nname: t\nactors:\n  a:\n    - sleep: soon\n",
        "schema: devmodel/scenario@1\nname: t\nboard:\n  gpio_chips:\n    - {name: c, num_lines: eight}\nactors: {}\n",
        "schema: devmodel/scenario@1\nname: t\nactors:\n  a:\n    - read: r\n      expect: {errno: ENOPE}\n",
        "schema: devmodel/scenario@1\nname: t\nboard:\n  spi_controllers:\n    - {name: s.0, chip_selects: 0}\nactors: {}\n",
        "schema: devmodel/scenario@1\nname: t\nboard:\n  watchdogs:\n    - {name: w.0, timeout: 601}\nactors: {}\n",
        "schema: devmodel/scenario@1\nname: t\nboard:\n  misc_devices:\n    - {name: m.0}\nactors: {}\n",
        "schema: devmodel/scenario@1\nname: t\nboard:\n  misc_devices:\n    - {name: m.0, node: a/b}\nactors: {}\n",
        "schema: devmodel/scenario@1\nname: t\nactors:\n  a:\n    - ioctl: {file: f, request: wdioc_reboot}\n",
    ])
    func schemaRejectsBadDocuments(_ text: String) throws {
        let value = try #require(ScenarioParser.documentValue(text))
        #expect(try !Self.validator().validate(value).isEmpty)
        #expect(throws: ScenarioError.self) { try ScenarioParser.parse(text, file: "x.yaml") }
    }
}

/// `Schemas/scenario-v2.schema.json`: every v1 example and every described-driver pair
/// conforms; described drivers the reader rejects structurally, the schema rejects too.
@Suite struct JSONSchemaV2Tests {
    static func validator() throws -> MiniSchemaValidator {
        let url = Examples.directory.deletingLastPathComponent().appendingPathComponent("Schemas/scenario-v2.schema.json")
        let data = try Data(contentsOf: url)
        return MiniSchemaValidator(root: try #require(JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }

    @Test func everyExampleAndClassPairConforms() throws {
        let v = try Self.validator()
        for url in Examples.files + ClassFiles.everyDescribed {
            let value = try #require(ScenarioParser.documentValue(try String(contentsOf: url, encoding: .utf8)))
            let errors = v.validate(value)
            #expect(errors.isEmpty, "\(url.lastPathComponent): \(errors)")
        }
    }

    static let head = "schema: devmodel/scenario@2\nname: t\nactors: {}\n"

    @Test(arguments: [
        head + "objects:\n  foo: {alloc: vmalloc}\n",
        head + "objects:\n  foo: {members: {x: float}}\n",
        head + "functions:\n  f:\n    - kmalloc: x\n",
        head + "functions:\n  f:\n    - {kfree: self, kref_put: self.r}\n",
        head + "functions:\n  f:\n    - kfree: self..x\n",
        head + "fops:\n  f: {protection: rcu}\n",
        head + "fops:\n  f: {mmap: []}\n",
        head + "drivers:\n  d: {probe: [{cdev_device_add: {cdev: p.c}}]}\n",
        head + "expect: {finding_kinds: [use-after-lunch]}\n",
    ])
    func rejectsBadDescriptions(_ text: String) throws {
        let value = try #require(ScenarioParser.documentValue(text))
        #expect(try !Self.validator().validate(value).isEmpty)
    }
}
