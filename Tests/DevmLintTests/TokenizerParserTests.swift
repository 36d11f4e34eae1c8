import Testing
@testable import DevmLint

func parse(_ s: String) -> FileUnit { FileParser.parse(bytes: Array(s.utf8), path: "t.c") }

@Suite("tokenizer and parser")
struct TokenizerParserTests {
    @Test func commentsStringsAndCharsDoNotLeakBraces() {
        let u = parse("""
        /* { */ static const char *s = "}{"; // }
        static char c = '{';
        struct a { int x; struct cdev cd; };
        """)
        #expect(u.structs["a"]?.members.map(\.name) == ["x", "cd"])
    }

    @Test func ifZeroIsDroppedAndOnlyTheFirstBranchOfIfdefIsKept() {
        let u = parse("""
        #if 0
        struct gone { int x; };
        #endif
        #ifdef CONFIG_FOO
        static int f(int a) {
        #else
        static int f(long a) {
        #endif
            return a;
        }
        struct after { int y; };
        """)
        #expect(u.structs["gone"] == nil)
        #expect(u.functions.map(\.name) == ["f"])
        #expect(u.structs["after"] != nil)
    }

    @Test func membersPointersArraysNestedAndAttributes() throws {
        let u = parse("""
        struct s {
            struct miscdevice misc;
            struct cdev *pc;
            struct cdev arr[2] __aligned(8);
            void (*cb)(struct s *);
            union { int a; struct cdev inner; };
            struct { int z; } named;
            unsigned int bits : 3;
        } __packed;
        """)
        let m = try #require(u.structs["s"]).members
        #expect(m.map(\.name) == ["misc", "pc", "arr", "cb", "a", "inner", "named", "bits"])
        #expect(m[0].type.pointer == 0 && m[0].type.name == "miscdevice")
        #expect(m[1].type.pointer == 1)
        #expect(m[2].type.array)
        #expect(m[3].type.pointer == 1)
        #expect(m[6].nested != nil)
    }

    @Test func functionsCallsAssignmentsAndLocks() throws {
        let u = parse("""
        static int __init foo_probe(struct platform_device *pdev) __must_hold(&x)
        {
            struct foo *p = devm_kzalloc(&pdev->dev, sizeof(*p), GFP_KERNEL);
            mutex_lock(&p->lock);
            p->misc.fops = &foo_fops;
            mutex_unlock(&p->lock);
            return misc_register(&p->misc);
        }
        """)
        let f = try #require(u.functions.first)
        #expect(f.name == "foo_probe")
        #expect(f.locals["p"]?.name == "foo")
        #expect(f.locals["pdev"]?.name == "platform_device")
        #expect(f.calls.map(\.name).contains("misc_register"))
        let fopsAssign = try #require(f.assigns.first { $0.lhs.joined == "p->misc.fops" })
        #expect(fopsAssign.locks == ["->lock"])
        #expect(fopsAssign.rhs.joined == "&foo_fops")
    }

    @Test func designatedInitializersNest() throws {
        let u = parse("""
        static struct platform_driver d = {
            .probe = foo_probe,
            .driver = { .name = "foo", .suppress_bind_attrs = true, },
        };
        module_platform_driver(d);
        """)
        let g = try #require(u.globals["d"])
        let flat = Project.flatten(try #require(g.initializer))
        #expect(flat["probe"]?.joined == "foo_probe")
        #expect(flat["driver.suppress_bind_attrs"]?.joined == "true")
        #expect(u.topCalls.map(\.name) == ["module_platform_driver"])
    }

    @Test func suppressionCommentsAreParsed() {
        let t = Tokenizer(bytes: Array("x; /* devmodel-lint: ignore devm-uaf -- fenced */\n// devmodel-lint: ignore devm-uaf\n".utf8)).run()
        #expect(t.suppressions.count == 2)
        #expect(t.suppressions[0].rules == ["devm-uaf"] && t.suppressions[0].reason == "fenced")
        #expect(t.suppressions[1].reason.isEmpty && t.suppressions[1].line == 2)
    }

    @Test func garbageNeverTraps() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("{}()[];,.=*&->#\"'/\\\n abcstruct_0".utf8)
        for _ in 0..<200 {
            let bytes = (0..<300).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
            _ = FileParser.parse(bytes: bytes, path: "g.c")
        }
    }
}

@Suite("prefilter")
struct PrefilterTests {
    @Test func multiNeedleFindsGroupsAndIgnoresLookAlikes() {
        func groups(_ s: String) -> Int {
            Array(s.utf8).withUnsafeBytes { Linter.prefilter.groups(in: $0, stopMask: 3) }
        }
        #expect(groups("struct foo { struct cdev c; };") & 1 == 1)
        #expect(groups("x = misc_register(&m->miscdevice);") & 1 == 1)
        #expect(groups("struct reset_controller_dev *rcdev; rcdev->ops") == 0)
        #expect(groups("p = devm_kzalloc(dev, 4, GFP_KERNEL);") == 2)
        #expect(groups("") == 0)
        #expect(groups("cdev") == 0)
    }
}

@Suite("token layout")
struct TokenLayoutTests {
    @Test func tokenIs8BytesAndFieldsRoundTrip() {
        #expect(MemoryLayout<Token>.stride == 8)
        let t = Token(kind: .ident, text: "platform_get_drvdata_of_a_long_name", line: 1_234_567, col: 4_321)
        #expect(t.text == "platform_get_drvdata_of_a_long_name" && t.kind == .ident && t.line == 1_234_567 && t.col == 4_321)
        #expect(Token(kind: .ident, text: "x", line: 1, col: 70_000).col == 65_535)
        #expect(Token(kind: .punct, text: "{", line: 3, col: 17).col == 17)
        #expect(Token(kind: .string, text: "\"s\"", line: 9_000_000, col: 1).line == Token.maxLine)
    }

    @Test func equalSpellingsShareAnIdAcrossFiles() {
        let a = Tokenizer(bytes: Array("int devm_kzalloc_wrapper(x) { return x->y; }".utf8)).run().tokens
        let b = Tokenizer(bytes: Array("void f(void) { devm_kzalloc_wrapper(p); }".utf8)).run().tokens
        let ida = a.first { $0.text == "devm_kzalloc_wrapper" }?.id
        #expect(ida != nil && ida == b.first { $0.text == "devm_kzalloc_wrapper" }?.id)
        #expect(a.map(\.text) == ["int", "devm_kzalloc_wrapper", "(", "x", ")", "{", "return", "x", "->", "y", ";", "}"])
    }
}
