/// Token lists the analysis reads with 0-based subscripts: a file's `[Token]`, or a
/// `TokenRun` inside it. (An `ArraySlice` is not one: its indices start where it was cut.)
protocol ZeroBasedTokens: RandomAccessCollection where Element == Token, Index == Int {}

extension Array: ZeroBasedTokens where Element == Token {}

/// A call argument or an assignment side: a run of the file's tokens, shared with it
/// instead of copied (the copies were a sixth of the parsed facts' memory on drivers/).
/// Indices are 0-based. 16 bytes; keeps the file's token array alive, which function
/// bodies do anyway.
struct TokenRun: ZeroBasedTokens, ExpressibleByArrayLiteral, Sendable {
    private let base: [Token]
    private let lo: Int32
    private let hi: Int32

    /// `base[range]`, which must lie inside `base`.
    init(_ base: [Token], _ range: Range<Int>) {
        self.base = base; lo = Int32(range.lowerBound); hi = Int32(range.upperBound)
    }

    /// A run over tokens of its own (tests, synthesized values).
    init(_ tokens: [Token]) { self.init(tokens, 0..<tokens.count) }

    init(arrayLiteral elements: Token...) { self.init(elements) }

    var startIndex: Int { 0 }
    var endIndex: Int { Int(hi - lo) }
    subscript(i: Int) -> Token { base[Int(lo) + i] }

    /// The run split on commas outside brackets, each part cut to `maxTokens` tokens: the
    /// arguments when the run is what lies between a call's parentheses. An unclosed
    /// bracket takes the rest of the run.
    func splitArgs(maxTokens: Int) -> [TokenRun] {
        guard hi > lo else { return [] }
        var out: [TokenRun] = []
        var depth = 0
        var s = Int(lo)
        func part(_ e: Int) -> TokenRun { TokenRun(base, s..<Swift.min(e, s + maxTokens)) }
        for j in Int(lo)..<Int(hi) {
            let t = base[j]
            if t.opensGroup { depth += 1 }
            else if t.closesGroup { depth = Swift.max(0, depth - 1) }
            else if t.is(.comma), depth == 0 { out.append(part(j)); s = j + 1 }
        }
        if s < Int(hi) { out.append(part(Int(hi))) }
        return out
    }

    /// The tokens strictly between `open` and `close`, indices into `tokens`.
    static func inside(_ tokens: [Token], _ open: Int, _ close: Int) -> TokenRun {
        TokenRun(tokens, Swift.min(open + 1, close)..<close)
    }
}
