import Foundation
import Testing
@testable import DevmLint

/// The parser tests punctuators and keywords by spelling id (`Sp`, `SpellingSet`): those
/// ids must be the ones the shared table gives their texts, whichever thread asks first.
@Suite("spelling ids")
struct SpellingIdTests {
    @Test func constantIdsMatchTheTable() {
        for s in Sp.allCases {
            #expect(TokenTexts.shared.intern(s.text) == s.rawValue, "\(s.text)")
            #expect(TokenTexts.shared.text(s.rawValue) == s.text)
        }
    }

    @Test func setsHoldTheirWordsAndNothingElse() {
        func tok(_ s: String) -> Token { Token(kind: .ident, text: s, line: 1, col: 1) }
        for w in Parser.qualifierWords { #expect(Parser.qualifiers.contains(tok(w)), "\(w)") }
        for w in BodyScanner.lockCallWords { #expect(BodyScanner.lockCalls.contains(tok(w)), "\(w)") }
        #expect(!Parser.qualifiers.contains(tok("a_word_no_set_holds")))
        #expect(!BodyScanner.unlockCalls.contains(tok("mutex_lock")))
        #expect(Parser.keywordsNotCalls.contains("sizeof") && !Parser.keywordsNotCalls.contains("kfree"))
    }

    /// Spellings that share a prefix, differ in their last byte or only in length get
    /// their own ids, and each id reads back its text (the eight-bytes-at-a-time hash).
    @Test func similarSpellingsStayDistinct() {
        var texts: [String] = []
        for n in 1...20 {
            let base = String(repeating: "ab", count: n)
            texts += [base, base + "c", base + "d", String(base.dropLast())]
        }
        let ids = texts.map { TokenTexts.shared.intern($0) }
        for (t, id) in zip(texts, ids) { #expect(TokenTexts.shared.text(id) == t) }
        #expect(Set(ids).count == Set(texts).count)
        let toks = Tokenizer(bytes: Array(texts.joined(separator: " ").utf8)).run().tokens
        #expect(toks.map(\.text) == texts)
        #expect(toks.map(\.id) == ids)
    }
}

/// Files read through a worker's buffer (the prefilter and the parse) give the bytes a
/// mapping gives: files larger than the buffer's first size, and past `maxBuffered`.
@Suite("read buffer")
struct ReadBufferTests {
    @Test(arguments: [0, 1, 300_000, ReadBuffer.maxBuffered + 5])
    func bufferedReadEqualsTheFile(size: Int) throws {
        let path = NSTemporaryDirectory() + "devm-readbuffer-\(size)-\(getpid()).c"
        let line = Array("static int x_0 = 1; /* padding */\n".utf8)
        let bytes = (0..<size).map { line[$0 % line.count] }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let buffer = ReadBuffer()
        for _ in 0..<2 {  // a second read reuses the grown buffer
            let read = SourceFiles.withContents(path, using: buffer) { Array($0) }
            #expect(read == bytes)
        }
        #expect(SourceFiles.withContents(path) { Array($0) } == bytes)
    }
}
