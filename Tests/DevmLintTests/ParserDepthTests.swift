import Foundation
import Testing
@testable import DevmLint

/// Hostile nesting: parsing stays linear and the rest of the file is still seen.
@Suite("nesting depth")
struct ParserDepthTests {
    static let depth = 200_000

    /// Levels of `nested` below the outermost initializer list.
    func initializerDepth(_ fields: [InitField]?) -> Int {
        var d = 0
        var cur = fields
        while let f = cur?.first?.nested { d += 1; cur = f }
        return d
    }

    @Test func deeplyNestedInitializerParsesAndTheRestOfTheFileIsSeen() throws {
        let n = ParserDepthTests.depth
        let src = "static int deep[1] = " + String(repeating: "{", count: n) + "0" + String(repeating: "}", count: n)
            + ";\nstruct after { struct cdev c; };\nstatic int after_fn(void) { return cdev_add(0, 0, 1); }\n"
        let u = parse(src)
        let g = try #require(u.globals["deep"])
        // Structure is kept down to the modelled depth; deeper levels keep their tokens.
        #expect(initializerDepth(g.initializer) == Parser.maxNesting)
        #expect(u.structs["after"]?.members.map(\.name) == ["c"])
        #expect(u.functions.map(\.name) == ["after_fn"])
        #expect(u.functions.first?.calls.map(\.name) == ["cdev_add"])
    }

    @Test func deeplyNestedStructDefinitionsKeepOuterAndDeepestMembers() throws {
        let n = ParserDepthTests.depth
        var src = "struct s0 {\n"
        for i in 1..<n { src += "struct s\(i) {\n" }
        src += "struct cdev leaf;\n"
        for i in stride(from: n - 1, through: 1, by: -1) { src += "} m\(i);\n" }
        src += "int tail;\n};\nstruct after { int y; };\n"
        let u = parse(src)
        let s0 = try #require(u.structs["s0"])
        #expect(s0.members.map(\.name) == ["m1", "tail"])
        // Walk the modelled levels; below them the members are flattened into the last one.
        var cur = s0
        var levels = 0
        while let m = cur.members.first, let inner = m.nested { cur = inner; levels += 1 }
        #expect(levels == Parser.maxNesting)
        #expect(cur.members.contains { $0.name == "leaf" && $0.type.name == "cdev" })
        #expect(u.structs["after"]?.members.map(\.name) == ["y"])
    }

    @Test func unbalancedOpeningBracesEndAtEndOfFile() {
        let n = ParserDepthTests.depth
        let u = parse("struct a { int x; };\nstatic int v = " + String(repeating: "{(", count: n))
        #expect(u.structs["a"]?.members.map(\.name) == ["x"])
        #expect(u.globals["v"] != nil)
    }

    @Test func groupEndsPairTheNearestOpenBracketOfAnyKind() {
        let toks = Tokenizer(bytes: Array("( [ ) ] { }".utf8)).run().tokens
        // `(` closes at the first closer that brings its depth back to 0, as a depth
        // count would: `)` pairs with `[`, `]` with `(`.
        #expect(Parser.groupEnds(toks) == [3, 2, -1, -1, 5, -1])
    }
}

/// Nesting inside function bodies: calls, parentheses, blocks and assignments.
@Suite("nesting depth in function bodies")
struct BodyDepthTests {
    static let depth = 200_000

    @Test func deeplyNestedCallsKeepEveryCallAndBoundedArguments() throws {
        let n = BodyDepthTests.depth
        let u = parse("static int f(void) { return " + String(repeating: "g(", count: n) + "0" + String(repeating: ")", count: n)
                      + "; }\nstatic int after(void) { return misc_register(&m); }\n")
        let f = try #require(u.functions.first)
        #expect(f.calls.count == n)
        #expect(f.calls.allSatisfy { $0.name == "g" })
        #expect(f.calls.allSatisfy { $0.args.allSatisfy { $0.count <= BodyScanner.maxArgTokens } })
        #expect(f.calls[n - 1].args.isEmpty)
        #expect(u.functions.last?.calls.first?.args.first?.joined == "&m")
    }

    @Test func deeplyNestedAssignmentsAndBlocks() throws {
        let n = BodyDepthTests.depth
        let u = parse("static void f(void) { " + String(repeating: "{ a = (", count: n) + "1" + String(repeating: "); }", count: n)
                      + " }\nstatic int after(void) { return 1; }\n")
        let f = try #require(u.functions.first)
        // Assignments nested deeper than real code are not recorded.
        #expect(f.assigns.count == BodyScanner.maxArgDepth)
        #expect(f.assigns.allSatisfy { $0.rhs.count <= BodyScanner.maxRhsTokens })
        #expect(u.functions.map(\.name) == ["f", "after"])
    }
}
