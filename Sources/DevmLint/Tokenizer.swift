import Foundation

/// Token kinds the structural parser distinguishes. Kernel C is tokenized without a
/// configured tree, so nothing here depends on knowing what a macro expands to.
enum TokenKind: UInt8, Sendable {
    case ident, number, string, char, punct
}

/// One token: its spelling's id in `TokenTexts` (literals keep their quotes but are never
/// interpreted; long ones and numbers are not spelled out), its position and kind.
///
/// Packed in 8 bytes (a 24-bit spelling id, a 3-bit kind, a 21-bit line and a 16-bit
/// column) instead of the 24 a `String` needed: the parsed files of drivers/ hold about
/// seven million tokens at once, and a spelling longer than 15 bytes was a heap string per
/// occurrence. Lines past 2,097,151 and columns past 65,535 are clamped.
struct Token: Sendable {
    private var bits: UInt64

    private static let kindShift: UInt64 = 24, lineShift: UInt64 = 27, colShift: UInt64 = 48
    static let maxLine: Int32 = (1 << 21) - 1

    /// The spelling's id in `TokenTexts`.
    var id: UInt32 {
        get { UInt32(truncatingIfNeeded: bits & 0xFF_FFFF) }
        set { bits = bits & ~0xFF_FFFF | UInt64(newValue & 0xFF_FFFF) }
    }
    var kind: TokenKind { TokenKind(rawValue: UInt8(truncatingIfNeeded: (bits >> Token.kindShift) & 7)) ?? .punct }
    var line: Int32 {
        get { Int32(truncatingIfNeeded: (bits >> Token.lineShift) & 0x1F_FFFF) }
        set {
            let l = UInt64(UInt32(min(max(newValue, 0), Token.maxLine)))
            bits = bits & ~(0x1F_FFFF << Token.lineShift) | l << Token.lineShift
        }
    }
    /// Columns past 65,535 (generated tables) are reported as 65,535.
    var col: Int32 { Int32(truncatingIfNeeded: bits >> Token.colShift) }

    /// The spelling (a lock-free table load; see `TokenTexts`).
    var text: String { TokenTexts.shared.text(id) }

    init(kind: TokenKind, text: String, line: Int32, col: Int32) {
        self.init(kind: kind, id: TokenTexts.shared.intern(text), line: line, col: col)
    }

    init(kind: TokenKind, id: UInt32, line: Int32, col: Int32) {
        bits = UInt64(kind.rawValue) << Token.kindShift | UInt64(UInt16(clamping: col)) << Token.colShift
        self.id = id
        self.line = line
    }
}

/// A preprocessor `#include`.
struct IncludeDirective: Sendable {
    var path: String
    var quoted: Bool
    var line: Int
}

/// A function-like or object-like `#define`, body tokenized, so that helpers such as
/// `#define to_foo(f) container_of(f->private_data, struct foo, misc)` can be followed.
struct MacroDef: Sendable {
    var name: String
    var params: [String]
    var body: [Token]
    var line: Int
}

/// A `devmodel-lint:` comment.
struct SuppressionComment: Sendable {
    var line: Int
    var rules: [String]
    var reason: String
}

/// Output of tokenizing one file.
struct TokenizedFile: Sendable {
    var tokens: [Token]
    var includes: [IncludeDirective]
    var macros: [MacroDef]
    var suppressions: [SuppressionComment]
}

/// A tolerant kernel-C tokenizer. Never throws: unterminated literals or comments end at
/// end of file. Preprocessor conditionals keep only the first branch (`#if 0` blocks are
/// dropped entirely) so that the two arms of an `#ifdef` never duplicate a function header
/// and unbalance braces — the usual derailment of naive C scanners.
///
/// Cost: one linear pass over the bytes; a `String` per distinct spelling (`Spellings`),
/// none per token, and one lock at the end to intern the file's spellings.
struct Tokenizer {
    private let b: [UInt8]

    init(bytes: [UInt8]) { self.b = bytes }

    func run() -> TokenizedFile {
        b.withUnsafeBufferPointer { Tokenizer.run($0) }
    }

    /// Tokenizes bytes the caller holds (a mapped file).
    static func run(_ p: UnsafeBufferPointer<UInt8>) -> TokenizedFile {
        var sp = Spellings()
        var out = Tokenizer(bytes: []).scan(p, &sp)
        // Tokens and macro bodies carry local ids until here.
        let global = sp.globalIDs()
        Tokenizer.remap(&out.tokens, global)
        for k in out.macros.indices { Tokenizer.remap(&out.macros[k].body, global) }
        return out
    }

    /// `toks` with global ids, rewritten in place, then without spare capacity (the
    /// reserve made while scanning is a guess, and bodies keep the whole array alive).
    private static func remap(_ toks: inout [Token], _ global: [UInt32]) {
        global.withUnsafeBufferPointer { g in
            toks.withUnsafeMutableBufferPointer { b in
                for k in b.indices { b[k].id = g[Int(b[k].id)] }
            }
        }
        toks = toks.trimmed()
    }

    private static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 || c == 36
    }
    private static func isIdentChar(_ c: UInt8) -> Bool {
        isIdentStart(c) || (c >= 48 && c <= 57)
    }

    private func scan(_ p: UnsafeBufferPointer<UInt8>, _ sp: inout Spellings) -> TokenizedFile {
        var out = TokenizedFile(tokens: [], includes: [], macros: [], suppressions: [])
        out.tokens.reserveCapacity(p.count / 5)
        let n = p.count
        var i = 0
        var line: Int32 = 1
        var lineStart = 0
        var atLineStart = true
        // Conditional stack: for each open #if, whether tokens are currently skipped
        // and whether we were skipping before it.
        var condStack: [(skipping: Bool, outer: Bool)] = []
        var skipping = false
        // Numbers are not spelled out: one id for all of them, looked up once.
        let numberID = sp.id("")

        func text(_ s: Int, _ e: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self)
        }

        while i < n {
            let c = p[i]
            if c == 10 { line += 1; i += 1; lineStart = i; atLineStart = true; continue }
            if c == 32 || c == 9 || c == 13 || c == 12 || c == 11 { i += 1; continue }
            if c == 92, i + 1 < n, p[i + 1] == 10 {  // line splice outside directives
                i += 2; line += 1; lineStart = i; continue
            }
            // Comments
            if c == 47, i + 1 < n, p[i + 1] == 42 {
                let s = i; let startLine = line
                i += 2
                while i < n && !(p[i] == 42 && i + 1 < n && p[i + 1] == 47) {
                    if p[i] == 10 { line += 1; lineStart = i + 1 }
                    i += 1
                }
                i = min(n, i + 2)
                if !skipping, Tokenizer.mentionsLint(p, s, i) { noteSuppression(text(s, i), Int(startLine), &out) }
                continue
            }
            if c == 47, i + 1 < n, p[i + 1] == 47 {
                let s = i
                while i < n && p[i] != 10 { i += 1 }
                if !skipping, Tokenizer.mentionsLint(p, s, i) { noteSuppression(text(s, i), Int(line), &out) }
                continue
            }
            // Preprocessor directive: whole logical line.
            if c == 35 && atLineStart {
                let dline = Int(line)
                var logical: [UInt8] = []
                while i < n && p[i] != 10 {
                    if p[i] == 92, i + 1 < n, p[i + 1] == 10 {
                        i += 2; line += 1; lineStart = i; logical.append(32); continue
                    }
                    if p[i] == 13, i + 1 < n, p[i + 1] == 10 { i += 1; continue }
                    // comments inside directives
                    if p[i] == 47, i + 1 < n, p[i + 1] == 42 {
                        i += 2
                        while i < n && !(p[i] == 42 && i + 1 < n && p[i + 1] == 47) {
                            if p[i] == 10 { line += 1; lineStart = i + 1 }
                            i += 1
                        }
                        i = min(n, i + 2); logical.append(32); continue
                    }
                    if p[i] == 47, i + 1 < n, p[i + 1] == 47 {
                        while i < n && p[i] != 10 { i += 1 }
                        break
                    }
                    logical.append(p[i]); i += 1
                }
                directive(logical, dline, &out, &condStack, &skipping, &sp)
                continue
            }
            atLineStart = false
            let col = Int32(i - lineStart + 1)
            if Tokenizer.isIdentStart(c) {
                let s = i
                while i < n && Tokenizer.isIdentChar(p[i]) { i += 1 }
                // String/char literal prefixes: L"..", u8"..".
                if i < n && (p[i] == 34 || p[i] == 39) && i - s <= 2 {
                    let w = text(s, i)
                    if w == "L" || w == "u" || w == "U" || w == "u8" { continue }
                }
                if !skipping { out.tokens.append(Token(kind: .ident, id: sp.id(p, s, i), line: line, col: col)) }
                continue
            }
            if c >= 48 && c <= 57 || (c == 46 && i + 1 < n && p[i + 1] >= 48 && p[i + 1] <= 57) {
                i += 1
                while i < n {
                    let d = p[i]
                    if Tokenizer.isIdentChar(d) || d == 46 { i += 1; continue }
                    if (d == 43 || d == 45) && (p[i - 1] == 101 || p[i - 1] == 69 || p[i - 1] == 112 || p[i - 1] == 80) {
                        i += 1; continue
                    }
                    break
                }
                if !skipping { out.tokens.append(Token(kind: .number, id: numberID, line: line, col: col)) }
                continue
            }
            if c == 34 || c == 39 {
                let q = c
                let s = i
                i += 1
                while i < n && p[i] != q {
                    if p[i] == 92 && i + 1 < n {
                        if p[i + 1] == 10 { line += 1; lineStart = i + 2 }
                        i += 2; continue
                    }
                    if p[i] == 10 { break }  // unterminated: stop at end of line
                    i += 1
                }
                if i < n && p[i] == q { i += 1 }
                if !skipping {
                    // Short string literals are kept: `.name = "foo"` is evidence text.
                    let t = i - s <= 64 ? sp.id(p, s, i) : sp.id("\"…\"")
                    out.tokens.append(Token(kind: q == 34 ? .string : .char, id: t, line: line, col: col))
                }
                continue
            }
            // Punctuators: longest match of the few multi-char ones the parser cares about.
            var len = 1
            // Most punctuators are followed by a space, a name or a parenthesis: only a
            // second byte that can continue one goes through the pair switch.
            if i + 1 < n, Tokenizer.continuesPunctuator(p[i + 1]) {
                let d = p[i + 1]
                switch (c, d) {
                case (45, 62), (61, 61), (33, 61), (60, 61), (62, 61), (38, 38), (124, 124),
                     (43, 43), (45, 45), (43, 61), (45, 61), (42, 61), (47, 61), (37, 61),
                     (38, 61), (124, 61), (94, 61), (35, 35):
                    len = 2
                case (60, 60), (62, 62):
                    len = (i + 2 < n && p[i + 2] == 61) ? 3 : 2
                case (46, 46):
                    len = (i + 2 < n && p[i + 2] == 46) ? 3 : 1
                default: break
                }
            }
            if !skipping { out.tokens.append(Token(kind: .punct, id: sp.id(p, i, i + len), line: line, col: col)) }
            i += len
        }
        return out
    }

    /// `#`, `&`, `+`, `-`, `.`, `<`, `=`, `>` (bits of bytes below 64) or `|`: the second
    /// bytes of the multi-byte punctuators the switch below knows.
    private static func continuesPunctuator(_ d: UInt8) -> Bool {
        d < 64 ? (0x7000_6800_0000_0000 as UInt64 | 1 << 35 | 1 << 38) &>> UInt64(d) & 1 != 0 : d == 124
    }

    private static let marker = Array("devmodel-lint:".utf8)

    /// Byte test before any String is made: most comments are not suppressions.
    private static func mentionsLint(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        let m = marker
        guard e - s >= m.count else { return false }
        var k = s
        while k + m.count <= e {
            if p[k] == 100, p[k + 8] == 45 {  // "d" and the "-" of "devmodel-lint"
                var j = 1
                while j < m.count && p[k + j] == m[j] { j += 1 }
                if j == m.count { return true }
            }
            k += 1
        }
        return false
    }

    private func noteSuppression(_ comment: String, _ line: Int, _ out: inout TokenizedFile) {
        guard let r = comment.range(of: "devmodel-lint:") else { return }
        var rest = comment[r.upperBound...]
        if rest.hasSuffix("*/") { rest = rest.dropLast(2) }
        var reason = ""
        if let d = rest.range(of: "--") {
            reason = rest[d.upperBound...].trimmingCharacters(in: .whitespaces)
            rest = rest[..<d.lowerBound]
        }
        let words = rest.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        guard words.first == "ignore" else { return }
        out.suppressions.append(SuppressionComment(line: line, rules: Array(words.dropFirst()), reason: reason))
    }

    private func directive(_ raw: [UInt8], _ line: Int, _ out: inout TokenizedFile,
                           _ stack: inout [(skipping: Bool, outer: Bool)], _ skipping: inout Bool, _ sp: inout Spellings) {
        // Bytes first: headers are mostly `#define NAME value` lines, and a String per
        // line with Character tests (Unicode properties) cost 5% of a drivers/ run.
        let n = raw.count
        var i = 1  // after the `#`
        while i < n, raw[i] == 32 || raw[i] == 9 { i += 1 }
        let ks = i
        while i < n, (raw[i] | 0x20) >= 97 && (raw[i] | 0x20) <= 122 { i += 1 }
        let kw = String(decoding: raw[ks..<i], as: UTF8.self)
        while i < n, raw[i] == 32 || raw[i] == 9 { i += 1 }
        let bodyStart = i
        let zeroCondition = bodyStart < n && raw[bodyStart] == 48 && !(bodyStart + 1 < n && raw[bodyStart + 1] == 120)
        if kw == "define" {
            var e = bodyStart
            while e < n, Tokenizer.isIdentChar(raw[e]) { e += 1 }
            // Object-like macros (register offsets, constants: most of them) are never
            // followed; only function-like ones can hide a container_of.
            guard e > bodyStart, e < n, raw[e] == 40 else { return }
        }
        // Only #include reads its text as a String; a function-like #define, as bytes.
        let body = kw == "include" ? String(decoding: raw[bodyStart...], as: UTF8.self)[...] : ""
        switch kw {
        case "if", "ifdef", "ifndef":
            if skipping {
                stack.append((skipping: true, outer: true))
            } else {
                let isZero = kw == "if" && zeroCondition
                // `skipping` in the stack entry records "a live branch was already taken".
                stack.append((skipping: !isZero, outer: false))
                skipping = isZero
            }
        case "elif", "else":
            // Keep the first live branch only; `#if 0 … #else` makes the else branch live.
            guard let top = stack.last else { return }
            if top.outer || top.skipping {
                skipping = true
            } else {
                let isZero = kw == "elif" && zeroCondition
                skipping = isZero
                if !isZero { stack[stack.count - 1].skipping = true }
            }
        case "endif":
            if let top = stack.popLast() { skipping = top.outer } else { skipping = false }
        case "include":
            guard !skipping else { return }
            if body.first == "\"", let e = body.dropFirst().firstIndex(of: "\"") {
                out.includes.append(IncludeDirective(path: String(body[body.index(after: body.startIndex)..<e]), quoted: true, line: line))
            } else if body.first == "<", let e = body.firstIndex(of: ">") {
                out.includes.append(IncludeDirective(path: String(body[body.index(after: body.startIndex)..<e]), quoted: false, line: line))
            }
        case "define":
            guard !skipping else { return }
            // The name ends at the `(` checked above.
            var nameEnd = bodyStart
            while Tokenizer.isIdentChar(raw[nameEnd]) { nameEnd += 1 }
            guard let close = raw[(nameEnd + 1)...].firstIndex(of: 41) else { return }
            let name = String(decoding: raw[bodyStart..<nameEnd], as: UTF8.self)
            let params = raw[(nameEnd + 1)..<close].split(separator: 44).map { p -> String in
                let blank = { (c: UInt8) in c == 32 || c == 9 }
                guard let s = p.firstIndex(where: { !blank($0) }), let e = p.lastIndex(where: { !blank($0) }) else { return "" }
                return String(decoding: p[s...e], as: UTF8.self)
            }
            let bodyBytes = Array(raw[(close + 1)...])
            let toks = bodyBytes.withUnsafeBufferPointer { Tokenizer(bytes: []).scan($0, &sp) }.tokens.map { t -> Token in
                var t = t; t.line = Int32(line); return t
            }
            out.macros.append(MacroDef(name: name, params: params, body: toks, line: line))
        default:
            break
        }
    }
}
