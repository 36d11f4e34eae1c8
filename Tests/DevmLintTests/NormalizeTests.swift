import Testing
@testable import DevmLint

@Suite("path normalization")
struct NormalizeTests {
    /// The byte fast path must agree with the component walk on normal and abnormal paths.
    @Test func fastPathAgreesWithTheWalk() {
        let cases: [(String, String)] = [
            ("/a/b/c.h", "/a/b/c.h"), ("a/b", "a/b"), ("/", "/"), ("", ""),
            ("/a//b", "/a/b"), ("a/./b", "a/b"), ("a/b/../c", "a/c"), ("a/", "a"), ("./a", "a"),
            ("/a/b/..", "/a"), ("../x", "../x"), ("/a/.b/c", "/a/.b/c"), ("/a/..b", "/a/..b"), ("//a", "/a"),
        ]
        for (p, want) in cases { #expect(SourceFiles.normalize(p) == want, "\(p)") }
    }
}
