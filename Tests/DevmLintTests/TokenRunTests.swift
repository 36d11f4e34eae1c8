import Dispatch
import Synchronization
import Testing
@testable import DevmLint

@Suite("token runs")
struct TokenRunTests {
    private func tokens(_ s: String) -> [Token] { Tokenizer(bytes: Array(s.utf8)).run().tokens }

    /// Arguments split on top-level commas only, share the file's tokens and are 0-based.
    @Test func splitsOnTopLevelCommas() {
        let toks = tokens("f(&priv->misc, g(a, b), x[i, j], { c, d })")
        let args = TokenRun.inside(toks, 1, toks.count - 1).splitArgs(maxTokens: 256)
        #expect(args.map(\.joined) == ["&priv->misc", "g(a,b)", "x[i,j]", "{c,d}"])
        #expect(args[0][0].text == "&" && args[0].count == 4)
        #expect(ExprPath(args[0]) == ExprPath(base: "priv", members: ["misc"]))
    }

    @Test func capsPartsAndGivesAnUnclosedBracketTheRest() {
        let toks = tokens("(a b c d, e (f, g")
        let args = TokenRun(toks, 1..<toks.count).splitArgs(maxTokens: 2)
        #expect(args.map(\.joined) == ["a b", "e("])
        #expect(TokenRun([]).splitArgs(maxTokens: 8).isEmpty)
    }

    /// A call records the run inside its parentheses; `args` splits it on access.
    @Test func callsKeepTheirGroup() {
        let u = FileParser.parse(bytes: Array("void f(void) { misc_register(&priv->misc); guard(mutex)(&lock); }".utf8), path: "t.c")
        let calls = u.functions.first?.calls ?? []
        #expect(calls.map(\.name) == ["misc_register", "guard"])
        #expect(calls.first?.args.map(\.joined) == ["&priv->misc"])
        #expect(calls.last?.args.map(\.joined) == ["&lock"])
    }
}

@Suite("spelling table")
struct TokenTextsTests {
    /// Files tokenized on several threads at once agree on every spelling's id, and each id
    /// reads back its text from any thread (the table's lock-free reads; run under TSan).
    @Test func concurrentFilesAgreeOnIds() {
        let sources = (0..<16).map { k in
            "static int helper_\(k % 4)(struct dev_priv_\(k % 3) *p) { return p->field_\(k) + shared_spelling_long_enough; }"
        }
        let results = Mutex<[[Token]]>(Array(repeating: [], count: sources.count))
        DispatchQueue.concurrentPerform(iterations: sources.count) { i in
            let toks = Tokenizer(bytes: Array(sources[i].utf8)).run().tokens
            results.withLock { $0[i] = toks }
        }
        let all = results.withLock { $0 }
        var byText: [String: UInt32] = [:]
        for (i, toks) in all.enumerated() {
            #expect(toks.map(\.text) == Tokenizer(bytes: Array(sources[i].utf8)).run().tokens.map(\.text))
            for t in toks {
                if let id = byText[t.text] { #expect(id == t.id, "\(t.text)") } else { byText[t.text] = t.id }
            }
        }
        #expect(byText["shared_spelling_long_enough"] != nil)
    }
}
