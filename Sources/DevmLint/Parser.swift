/// Structural parser over `Tokenizer` output. It recognises top-level constructs by their
/// punctuation shape (a `{` after a parameter list is a function, after `struct tag` a
/// definition, after `=` an initializer) and skips everything else by brace matching, so
/// unknown macros and attributes cost a skipped declaration, never a derailed file.
///
/// Cost: linear in the number of tokens, whatever the nesting depth: group ends come from
/// one table built up front, and nested initializers and struct definitions are modelled
/// only down to `maxNesting` levels (deeper ones are skipped or flattened, never recursed
/// into), so hostile input cannot exhaust a worker thread's stack.
struct Parser {
    let toks: [Token]
    let path: String
    /// `ends[i]`: index of the token closing the group opened at `i` (or -1 when `i` opens
    /// nothing or is never closed).
    private let ends: [Int32]
    /// Kernel initializers and struct definitions nest a handful of levels; the lint's rules
    /// look at most a few levels down (drivers' `.driver = { … }`, fops).
    static let maxNesting = 32

    static let qualifierWords: Set<String> = [
        "const", "volatile", "static", "extern", "inline", "__inline", "__inline__", "register",
        "unsigned", "signed", "__iomem", "__user", "__rcu", "__percpu", "__maybe_unused",
        "__always_inline", "noinline", "__init", "__exit", "__devinit", "__must_check",
        "__weak", "__used", "__cold", "__read_mostly", "__initdata", "__ro_after_init",
        "__always_unused", "__force", "__kernel", "__private", "typedef", "restrict",
        "__restrict", "auto", "_Atomic", "__init_or_module", "asmlinkage", "notrace",
        "__latent_entropy", "__packed", "__randomize_layout", "__no_randomize_layout",
    ]
    static let attributeCallWords: Set<String> = [
        "__attribute__", "__attribute", "__aligned", "__section", "__printf", "__scanf",
        "__acquires", "__releases", "__must_hold", "__alloc_size", "__cond_acquires",
        "__diagnose_as", "__counted_by", "__nonstring", "__malloc", "__free", "alignas",
        "_Alignas", "__cleanup", "__assume_aligned", "__no_sanitize_address", "__printf_like",
        "____cacheline_aligned_in_smp", "__cacheline_aligned", "__guarded_by", "__pt_guarded_by",
        "__must_be_array", "__releases_shared", "__acquires_shared",
    ]
    static let keywordsNotCallWords: Set<String> = [
        "if", "while", "for", "switch", "return", "sizeof", "typeof", "__typeof__", "__typeof",
        "defined", "do", "else", "case", "goto", "__builtin_offsetof", "offsetof", "_Generic",
        "__attribute__", "asm", "__asm__", "volatile", "__volatile__",
    ]
    static let qualifiers = SpellingSet(qualifierWords)
    static let attributeCalls = SpellingSet(attributeCallWords)
    static let keywordsNotCalls = SpellingSet(keywordsNotCallWords)

    init(tokens: [Token], path: String) {
        self.toks = tokens; self.path = path
        self.ends = Parser.groupEnds(tokens)
    }

    /// One stack pass. Brackets of any kind pair with the nearest open one, which is what a
    /// depth count scanning forward from the opener finds, so malformed input keeps the
    /// tolerant behaviour of a per-call scan at a fraction of its (quadratic) cost.
    static func groupEnds(_ toks: [Token]) -> [Int32] {
        var ends = [Int32](repeating: -1, count: toks.count)
        var open: [Int32] = []
        for (j, t) in toks.enumerated() {
            if t.opensGroup { open.append(Int32(j)) }
            else if t.closesGroup, let o = open.popLast() { ends[Int(o)] = Int32(j) }
        }
        return ends
    }

    /// Index of the token closing the group opened at `i`; tolerant of imbalance (then
    /// `limit - 1`, or the last token). O(1).
    func matching(_ i: Int, limit: Int? = nil) -> Int {
        let end = limit ?? toks.count
        guard i >= 0, i < ends.count else { return end - 1 }
        let e = Int(ends[i])
        return e >= 0 && e < end ? e : end - 1
    }

    /// Whether token `i` exists and is spelled `s`.
    func isToken(_ i: Int, _ s: Sp) -> Bool {
        i >= 0 && i < toks.count && toks[i].is(s)
    }

    func parse(_ tf: TokenizedFile) -> FileUnit {
        var unit = FileUnit(path: path, includes: tf.includes, macros: [:], suppressions: tf.suppressions,
                            structs: [:], typedefs: [:], globals: [:], functions: [], topCalls: [])
        for m in tf.macros { unit.macros[m.name] = m }
        // Macros are only followed for a `container_of` they hide (Reach); headers define
        // thousands of others (register fields), kept for nothing. The last definition
        // still decides, as before.
        unit.macros = unit.macros.filter { $0.value.body.contains { $0.is(.containerOf) || $0.is(.containerOfConst) } }
        let n = toks.count
        var i = 0
        var ds = 0
        while i < n {
            let t = toks[i]
            if t.is(.semicolon) {
                declaration(ds..<i, &unit)
                i += 1; ds = i
            } else if t.is(.lbrace) {
                i = braceConstruct(ds, i, &unit)
                ds = i
            } else if t.is(.lparen) || t.is(.lbracket) {
                i = matching(i) + 1
            } else if t.is(.rbrace) {
                i += 1; ds = i
            } else {
                i += 1
            }
        }
        unit.functions = unit.functions.trimmed()
        return unit
    }

    // MARK: top-level constructs

    private func braceConstruct(_ ds: Int, _ bi: Int, _ unit: inout FileUnit) -> Int {
        let close = matching(bi)
        var depth = 0
        var eq = -1, firstCall = -1, lastAggregate = -1
        var j = ds
        while j < bi {
            let t = toks[j]
            if t.is(.lparen) || t.is(.lbracket) {
                if depth == 0, t.is(.lparen), firstCall < 0, j > ds, toks[j - 1].kind == .ident,
                   !Parser.attributeCalls.contains(toks[j - 1]) {
                    firstCall = j
                }
                depth += 1
            } else if t.is(.rparen) || t.is(.rbracket) {
                depth -= 1
            } else if t.is(.assign) {
                if depth == 0 { eq = j }
            } else if depth == 0, t.is(.kwStruct) || t.is(.kwUnion) || t.is(.kwEnum) {
                lastAggregate = j
            }
            j += 1
        }
        if eq >= 0 {
            let header = Array(toks[ds..<eq])
            let (name, type) = Parser.declarator(header)
            let fields = initializer(bi + 1, close)
            if let name { unit.globals[name] = GlobalVar(name: name, type: type, initializer: fields, loc: Loc(toks[bi])) }
            return skipToSemicolon(close + 1)
        }
        if lastAggregate >= 0 && (firstCall < 0 || firstCall < lastAggregate) {
            let isTypedef = isToken(ds, .kwTypedef)
            var tag = ""
            var k = lastAggregate + 1
            while k < bi {
                if toks[k].kind == .ident && !Parser.qualifiers.contains(toks[k])
                    && !Parser.attributeCalls.contains(toks[k]) { tag = toks[k].text }
                if toks[k].is(.lparen) { k = matching(k) }
                k += 1
            }
            let isEnum = toks[lastAggregate].is(.kwEnum)
            let after = skipToSemicolon(close + 1)
            if isEnum { return after }
            // Declarators after the closing brace: typedef names or variables.
            var trailing = Array(toks[(close + 1)..<max(close + 1, after - 1)])
            if let e = trailing.firstIndex(where: { $0.is(.assign) }) { trailing = Array(trailing[..<e]) }
            let trailingName = trailing.last(where: { $0.kind == .ident && !$0.text.hasPrefix("__") })?.text
            if tag.isEmpty, isTypedef, let tn = trailingName { tag = "typedef:" + tn }
            if !tag.isEmpty {
                let def = StructDef(tag: tag, members: members(bi + 1, close), file: path, loc: Loc(toks[lastAggregate]))
                unit.structs[tag] = def
                if isTypedef, let tn = trailingName {
                    unit.typedefs[tn] = TypeRef(name: tag, isStruct: true, pointer: 0, array: false)
                }
            }
            return after
        }
        if firstCall >= 0 {
            unit.functions.append(function(ds, firstCall, bi, close))
            return close + 1
        }
        return close + 1
    }

    private func skipToSemicolon(_ from: Int) -> Int {
        var j = from
        while j < toks.count {
            let t = toks[j]
            if t.is(.semicolon) { return j + 1 }
            if t.opensGroup { j = matching(j) }
            // A `}` here belongs to an outer construct: stop before it.
            else if t.is(.rbrace) { return j }
            j += 1
        }
        return toks.count
    }

    private func declaration(_ r: Range<Int>, _ unit: inout FileUnit) {
        guard !r.isEmpty else { return }
        let d = Array(toks[r])
        // typedef struct foo foo_t;
        if d.first?.is(.kwTypedef) == true {
            let (name, type) = Parser.declarator(Array(d.dropFirst()))
            if let name, type.isStruct, type.pointer == 0 { unit.typedefs[name] = type }
            return
        }
        // Top-level macro invocation: NAME(args);
        if d.count >= 3, d[0].kind == .ident, d[1].is(.lparen), d.last?.is(.rparen) == true {
            let close = matching(r.lowerBound + 1, limit: r.upperBound)
            if close == r.upperBound - 1 {
                unit.topCalls.append(TopCall(name: d[0].text, args: splitArgs(r.lowerBound + 1, close), loc: Loc(d[0])))
                return
            }
        }
        if d.contains(where: { $0.is(.lparen) }) {
            // A prototype, or a macro-defined global; globals only matter as pointers.
            if !(d.contains(where: { $0.is(.assign) })) { return }
        }
        var decl = d
        if let e = decl.firstIndex(where: { $0.is(.assign) }) { decl = Array(decl[..<e]) }
        if decl.first?.is(.kwExtern) == true { return }
        let (name, type) = Parser.declarator(decl)
        if let name, unit.globals[name] == nil {
            unit.globals[name] = GlobalVar(name: name, type: type, initializer: nil, loc: Loc(decl.last ?? d[0]))
        }
    }

    // MARK: struct members

    private func members(_ from: Int, _ to: Int, depth: Int = 0) -> [MemberDecl] {
        var out: [MemberDecl] = []
        var ds = from
        var j = from
        while j < to {
            let t = toks[j]
            if t.kind == .punct {
                if t.is(.lparen) || t.is(.lbracket) { j = matching(j, limit: to) + 1; continue }
                if t.is(.lbrace) || t.is(.rbrace), depth >= Parser.maxNesting {
                    // Too deep to model: the braces are dropped, so the inner members
                    // count as ours (as anonymous members do), in one linear pass.
                    j += 1; ds = j; continue
                }
                if t.is(.lbrace) {
                    // Inline nested struct/union.
                    let close = matching(j, limit: to)
                    let inner = members(j + 1, close, depth: depth + 1)
                    let end = min(skipToSemicolon(close + 1), to)
                    let trailing = Array(toks[(close + 1)..<max(close + 1, end - 1)])
                    var tag = ""
                    var k = ds
                    while k < j {
                        if toks[k].kind == .ident, !toks[k].is(.kwStruct), !toks[k].is(.kwUnion),
                           !Parser.qualifiers.contains(toks[k]) { tag = toks[k].text }
                        k += 1
                    }
                    let nestedDef = StructDef(tag: tag.isEmpty ? "<anonymous>" : tag, members: inner, file: path, loc: Loc(toks[j]))
                    // After `}` only declarators remain: `} name[4];`, `} *p;`.
                    let beforeSubscript = trailing.prefix { !$0.is(.lbracket) }
                    let name = beforeSubscript.last(where: { $0.kind == .ident && !Parser.attributeCalls.contains($0) && !Parser.qualifiers.contains($0) && !$0.text.hasPrefix("__") })?.text
                    if let name {
                        let type = TypeRef(name: nestedDef.tag, isStruct: true,
                                           pointer: trailing.filter { $0.is(.star) }.count,
                                           array: trailing.contains { $0.is(.lbracket) })
                        out.append(MemberDecl(name: name, type: type, nested: nestedDef, loc: Loc(trailing.first ?? toks[j])))
                    } else {
                        // Anonymous: its members are reached as if they were ours.
                        out.append(contentsOf: inner)
                    }
                    j = end; ds = j
                    continue
                }
                if t.is(.semicolon) {
                    out.append(contentsOf: memberDecls(ds, j))
                    j += 1; ds = j; continue
                }
            }
            j += 1
        }
        return out
    }

    private func memberDecls(_ from: Int, _ to: Int) -> [MemberDecl] {
        guard from < to else { return [] }
        let d = Array(toks[from..<to])
        // Split declarators on top-level commas: `struct cdev a, *b;`.
        var parts: [[Token]] = []
        var cur: [Token] = []
        var depth = 0
        for t in d {
            if t.kind == .punct {
                if t.is(.lparen) || t.is(.lbracket) { depth += 1 }
                if t.is(.rparen) || t.is(.rbracket) { depth -= 1 }
                if t.is(.comma), depth == 0 { parts.append(cur); cur = []; continue }
            }
            cur.append(t)
        }
        parts.append(cur)
        guard let first = parts.first else { return [] }
        var out: [MemberDecl] = []
        let (name0, type0) = Parser.declarator(first)
        if let name0 { out.append(MemberDecl(name: name0, type: type0, nested: nil, loc: Loc(first.last(where: { $0.text == name0 }) ?? first[0]))) }
        // Later declarators share the base type of the first.
        let typePrefix = Array(first.prefix(while: { !$0.is(.star) && $0.text != name0 }))
        for p in parts.dropFirst() {
            let (n, t) = Parser.declarator(typePrefix + p)
            if let n { out.append(MemberDecl(name: n, type: t, nested: nil, loc: Loc(p.first ?? first[0]))) }
        }
        return out
    }

    /// Type and declared name of a declaration such as `static const struct foo *bar[4]`.
    static func declarator(_ d: some ZeroBasedTokens) -> (String?, TypeRef) {
        var type = TypeRef(name: "", isStruct: false, pointer: 0, array: false)
        var name: String?
        var i = 0
        var depth = 0
        var sawType = false
        while i < d.count {
            let t = d[i]
            if t.kind == .ident {
                if depth == 0 && (t.is(.kwStruct) || t.is(.kwUnion)), i + 1 < d.count, d[i + 1].kind == .ident, !sawType {
                    type.name = d[i + 1].text; type.isStruct = true; sawType = true; i += 2; continue
                }
                if attributeCalls.contains(t), i + 1 < d.count, d[i + 1].is(.lparen) {
                    // skip attribute group
                    var k = i + 1, dep = 0
                    while k < d.count {
                        if d[k].is(.lparen) { dep += 1 } else if d[k].is(.rparen) { dep -= 1; if dep == 0 { break } }
                        k += 1
                    }
                    i = k + 1; continue
                }
                if qualifiers.contains(t) || attributeCalls.contains(t) { i += 1; continue }
                if !sawType && depth == 0 { type.name = t.text; sawType = true; i += 1; continue }
                if depth == 0 || (i > 0 && d[i - 1].is(.star)) { name = t.text }
                i += 1; continue
            }
            if t.kind == .punct {
                if t.is(.star) {
                    // `(*name)(…)` is a pointer; a `*` inside a parameter list is not ours.
                    if depth == 0 || (depth == 1 && i + 1 < d.count && d[i + 1].kind == .ident && i > 0 && d[i - 1].is(.lparen)) {
                        type.pointer += 1
                    }
                } else if t.is(.lparen) {
                    depth += 1
                } else if t.is(.rparen) {
                    depth -= 1
                } else if t.is(.lbracket) {
                    if depth == 0 && name != nil { type.array = true }
                    var k = i, dep = 0
                    while k < d.count {
                        if d[k].is(.lbracket) { dep += 1 } else if d[k].is(.rbracket) { dep -= 1; if dep == 0 { break } }
                        k += 1
                    }
                    i = k
                } else if t.is(.colon) {
                    return (name, type)  // bit-field width follows
                }
            }
            i += 1
        }
        if name == nil, sawType, !type.isStruct, type.pointer == 0 {
            return (nil, type)
        }
        return (name, type)
    }

    // MARK: initializers

    private func initializer(_ from: Int, _ to: Int, depth: Int = 0) -> [InitField] {
        var out: [InitField] = []
        var s = from
        var j = from
        func flush(_ e: Int) {
            guard s < e else { return }
            var k = s
            var name = ""
            while k < e, isToken(k, .dot), k + 1 < e, toks[k + 1].kind == .ident {
                name += (name.isEmpty ? "" : ".") + toks[k + 1].text
                k += 2
            }
            if isToken(k, .lbracket) { k = matching(k, limit: e) + 1 }
            if !name.isEmpty || k != s {
                if isToken(k, .assign) { k += 1 }
            }
            guard k < e else { return }
            var nested: [InitField]? = nil
            // Deeper levels keep their tokens (`value`) but no structure.
            if isToken(k, .lbrace), depth < Parser.maxNesting { nested = initializer(k + 1, matching(k, limit: e), depth: depth + 1) }
            out.append(InitField(name: name, value: TokenRun(toks, k..<e), nested: nested, loc: Loc(toks[s])))
        }
        while j < to {
            let t = toks[j]
            if t.opensGroup { j = matching(j, limit: to) + 1; continue }
            if t.is(.comma) { flush(j); j += 1; s = j; continue }
            j += 1
        }
        flush(to)
        return out.trimmed()
    }

    /// Arguments of the group `open`…`close`, split on top-level commas. Each argument
    /// keeps at most `maxTokens` tokens: a call's arguments are copied, and nested calls
    /// would otherwise copy the same tokens once per level.
    func splitArgs(_ open: Int, _ close: Int, maxTokens: Int = Int.max) -> [TokenRun] {
        var out: [TokenRun] = []
        var s = open + 1
        var j = open + 1
        func arg(_ e: Int) -> TokenRun { TokenRun(toks, s..<min(e, s + min(maxTokens, e - s))) }
        while j < close {
            let t = toks[j]
            if t.opensGroup { j = matching(j, limit: close) + 1; continue }
            if t.is(.comma) { out.append(arg(j)); j += 1; s = j; continue }
            j += 1
        }
        if s < close { out.append(arg(close)) }
        return out.trimmed()
    }

    // MARK: functions

    /// A stand-in declarator name, so that `declarator` reads a function's return type.
    private static let returnName = Token(kind: .ident, text: "__ret", line: 0, col: 0)

    private func function(_ ds: Int, _ po: Int, _ bi: Int, _ close: Int) -> FunctionDef {
        let name = toks[po - 1].text
        let (_, ret) = Parser.declarator(Array(toks[ds..<(po - 1)]) + [Parser.returnName])
        let pc = matching(po, limit: bi)
        var params: [(name: String, type: TypeRef)] = []
        var locals: [String: TypeRef] = [:]
        for a in splitArgs(po, pc) {
            let (n, t) = Parser.declarator(a)
            if let n { params.append((n, t)); locals[n] = t }
        }
        var f = FunctionDef(name: name, file: path, returnType: ret, params: params, locals: locals, calls: [], assigns: [],
                            body: toks[(bi + 1)..<max(bi + 1, close)], loc: Loc(toks[po - 1]),
                            isStatic: toks[ds..<po].contains(where: { $0.is(.kwStatic) }), locksTaken: [])
        BodyScanner(parser: self, from: bi + 1, to: close).scan(into: &f)
        return f
    }
}
