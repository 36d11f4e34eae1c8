/// Spellings whose `TokenTexts` ids are constants: `TokenTexts` interns them first, in this
/// order, so the parser tests `t.is(.lparen)` (one integer compare) instead of building
/// the token's `String` and comparing it (a library call per test; the structural parse
/// tests a few punctuators per token). The raw values are the ids; `TokenTexts` checks
/// at start-up that the table agrees.
enum Sp: UInt32, CaseIterable {
    case lparen = 1, rparen, lbracket, rbracket, lbrace, rbrace, semicolon, comma, assign, star, amp, dot, arrow, colon
    case kwStruct, kwUnion, kwEnum, kwTypedef, kwStatic, kwConst, kwExtern, kwReturn
    case containerOf, containerOfConst

    var text: String {
        switch self {
        case .lparen: "("
        case .rparen: ")"
        case .lbracket: "["
        case .rbracket: "]"
        case .lbrace: "{"
        case .rbrace: "}"
        case .semicolon: ";"
        case .comma: ","
        case .assign: "="
        case .star: "*"
        case .amp: "&"
        case .dot: "."
        case .arrow: "->"
        case .colon: ":"
        case .kwStruct: "struct"
        case .kwUnion: "union"
        case .kwEnum: "enum"
        case .kwTypedef: "typedef"
        case .kwStatic: "static"
        case .kwConst: "const"
        case .kwExtern: "extern"
        case .kwReturn: "return"
        case .containerOf: "container_of"
        case .containerOfConst: "container_of_const"
        }
    }
}

extension Token {
    /// Whether the token is spelled `s` (ids are unique per spelling, so the kind follows).
    @inline(__always)
    func `is`(_ s: Sp) -> Bool { id == s.rawValue }

    /// `(`, `[` or `{`.
    @inline(__always)
    var opensGroup: Bool { id == Sp.lparen.rawValue || id == Sp.lbracket.rawValue || id == Sp.lbrace.rawValue }

    /// `)`, `]` or `}`.
    @inline(__always)
    var closesGroup: Bool { id == Sp.rparen.rawValue || id == Sp.rbracket.rawValue || id == Sp.rbrace.rawValue }
}

/// A set of spellings tested by token id: the parser's word lists (qualifiers, attribute
/// macros, keywords, lock calls) are interned when the table starts, right after `Sp`, so
/// their ids are small and a set is four words of bits instead of a `Set<String>` that
/// hashes the token's text on every test.
struct SpellingSet: Sendable {
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// The words, for the callers that test a `String` (call names kept in parsed facts).
    let words: Set<String>

    /// Every word must be one of `TokenTexts.preinterned` (checked: a word interned later
    /// would get an id past the bits and never match).
    init(_ words: Set<String>) {
        self.words = words
        for w in words {
            let id = Int(TokenTexts.shared.intern(w))
            precondition(id < 256, "\(w) is not pre-interned")
            switch id >> 6 {
            case 0: bits.0 |= 1 << UInt64(id & 63)
            case 1: bits.1 |= 1 << UInt64(id & 63)
            case 2: bits.2 |= 1 << UInt64(id & 63)
            default: bits.3 |= 1 << UInt64(id & 63)
            }
        }
    }

    @inline(__always)
    func contains(_ t: Token) -> Bool {
        let id = t.id
        guard id < 256 else { return false }
        let w: UInt64
        switch id >> 6 {
        case 0: w = bits.0
        case 1: w = bits.1
        case 2: w = bits.2
        default: w = bits.3
        }
        return w & (1 << UInt64(id & 63)) != 0
    }

    func contains(_ s: String) -> Bool { words.contains(s) }
}
