import Foundation
import Testing
@testable import ScenarioModel
import Sanitizer

/// Bad driver descriptions (`devmodel/scenario@2`): each a located error naming the problem,
/// never a scenario, never a crash.
@Suite struct MalformedDescriptionTests {
    static let v2 = "schema: devmodel/scenario@2\nname: t\nactors: {}\n"

    static let cases: [MalformedScenarioTests.Case] = [
        .init(name: "description in a v1 file", text: "schema: devmodel/scenario@1\nname: t\nactors: {}\nobjects: {}\n",
              line: 4, column: 1, message: "'objects' describes drivers: it needs 'schema: devmodel/scenario@2'"),
        .init(name: "unknown allocation", text: v2 + "objects:\n  foo: {alloc: vmalloc}\n", line: 5, column: 16,
              message: "unknown allocation 'vmalloc'"),
        .init(name: "unknown member kind", text: v2 + "objects:\n  foo: {members: {x: float}}\n", line: 5, column: 22,
              message: "unknown member kind 'float'"),
        .init(name: "release callback missing", text: v2 + "objects:\n  foo: {members: {r: {kref: gone}}}\n", line: 5, column: 3,
              message: "foo.r: no function 'gone' for its release"),
        .init(name: "pointer to an unknown type", text: v2 + "objects:\n  foo: {members: {p: {pointer: bar}}}\n", line: 5, column: 3,
              message: "no struct type 'bar'"),
        .init(name: "a struct embedding itself", text: v2 + "objects:\n  foo: {members: {me: {embedded: foo}}}\n", line: 5, column: 3,
              message: "struct foo embeds itself"),
        .init(name: "unknown kernel function", text: v2 + "functions:\n  f:\n    - kmalloc: x\n", line: 6, column: 7,
              message: "unknown key 'kmalloc' in a step"),
        .init(name: "two kernel functions in one step", text: v2 + "functions:\n  f:\n    - {kfree: self, kref_put: self.r}\n",
              line: 6, column: 21, message: "a step has one kernel function"),
        .init(name: "alloc without as", text: v2 + "objects: {foo: {}}\nfunctions:\n  f:\n    - alloc: foo\n", line: 7, column: 7,
              message: "alloc needs 'as:'"),
        .init(name: "local used before it is set", text: v2 + "functions:\n  f:\n    - read: priv.x\n", line: 6, column: 7,
              message: "'priv' is used before it is set"),
        .init(name: "unknown member of a typed local",
              text: v2 + "objects: {foo: {members: {x: data}}}\nfunctions:\n  f:\n    - {alloc: foo, as: p}\n    - read: p.y\n",
              line: 8, column: 7, message: "struct foo has no member 'y'"),
        .init(name: "unknown fops", text: v2 + "objects: {foo: {members: {c: cdev}}}\nfunctions:\n  f:\n    - {alloc: foo, as: p}\n    - cdev_init: {cdev: p.c, fops: nofops}\n",
              line: 8, column: 7, message: "no fops 'nofops'"),
        .init(name: "unknown global", text: v2 + "functions:\n  f:\n    - read: \"@nothing\"\n", line: 6, column: 7,
              message: "no global '@nothing'"),
        .init(name: "unknown errno in check", text: v2 + "functions:\n  f:\n    - {check: self, errno: EWHAT}\n", line: 6, column: 28,
              message: "unknown errno 'EWHAT'"),
        .init(name: "unknown protection", text: v2 + "fops:\n  f: {protection: rcu}\n", line: 5, column: 19,
              message: "unknown protection 'rcu'"),
        .init(name: "bad path", text: v2 + "functions:\n  f:\n    - kfree: self..x\n", line: 6, column: 14,
              message: "is not a path"),
        .init(name: "unknown finding kind", text: v2 + "expect: {finding_kinds: [use-after-lunch]}\n", line: 4, column: 25,
              message: "unknown finding kind 'use-after-lunch'"),
    ]

    @Test(arguments: cases)
    func locatedError(_ c: MalformedScenarioTests.Case) {
        do {
            _ = try ScenarioParser.parse(c.text, file: "bad.yaml")
            Issue.record("\(c.name): parsed, expected an error")
        } catch {
            #expect(error.diagnostics.contains { $0.message.contains(c.message) }, "\(error)")
            let hit = error.diagnostics.first { $0.message.contains(c.message) }
            #expect(hit?.location.line == c.line, "\(error)")
            if let column = c.column { #expect(hit?.location.column == column, "\(error)") }
        }
    }

    /// Every described scenario parses, and its description reaches the scenario.
    @Test func theDescribedScenariosParse() throws {
        #expect(ClassFiles.everyDescribed.count >= 60)
        for url in ClassFiles.everyDescribed {
            let s = try ScenarioFile.load(url.path)
            // The one v1 file among them is the built-in twin of the described benchmark.
            #expect(s.described.drivers.isEmpty == (url.lastPathComponent == "misc-builtin.yaml"), "\(url.lastPathComponent)")
        }
    }
}

enum ClassFiles {
    /// The class pairs.
    static var all: [URL] { files(in: "classes") }
    /// The class pairs, the corpus files and the benchmark twins.
    static var everyDescribed: [URL] { ["classes", "bugs", "bench"].flatMap(files(in:)) }

    static func files(in folder: String) -> [URL] {
        let dir = Examples.directory.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { dir.appendingPathComponent($0) }
    }
}

/// The finding kinds a scenario may name are the sanitizer's (the two modules sit side by
/// side, so ScenarioModel keeps its own list).
@Suite struct FindingKindNamesTests {
    @Test func theScenarioListIsTheSanitizers() {
        #expect(Set(FindingKinds.names) == Set(FindingKind.allCases.map(\.rawValue)))
    }
}
