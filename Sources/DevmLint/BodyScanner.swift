/// Scans one function body for the facts the analysis follows: local declarations with
/// their struct type, calls with split arguments, assignments, and which locks are held
/// (so that "cleared under the lock the file operations also take" can be decided).
///
/// Cost: one pass over the body, plus a bounded backward/forward walk per `=`.
struct BodyScanner {
    let parser: Parser
    let from: Int
    let to: Int
    /// Kernel calls nest a few levels and their interesting arguments (`&priv->misc`,
    /// `sizeof(*p)`) are short; these bounds only matter for hostile input.
    static let maxArgDepth = 32
    static let maxArgTokens = 256
    static let maxRhsTokens = 128

    static let lockCallWords: Set<String> = [
        "mutex_lock", "mutex_lock_interruptible", "mutex_lock_killable", "mutex_lock_nested",
        "spin_lock", "spin_lock_irq", "spin_lock_irqsave", "spin_lock_bh", "raw_spin_lock",
        "raw_spin_lock_irqsave", "raw_spin_lock_irq", "down_read", "down_write", "down",
        "down_interruptible", "write_lock", "read_lock", "write_lock_irqsave", "read_lock_irqsave",
        "mutex_trylock", "down_write_killable", "down_read_interruptible",
    ]
    static let unlockCallWords: Set<String> = [
        "mutex_unlock", "spin_unlock", "spin_unlock_irq", "spin_unlock_irqrestore", "spin_unlock_bh",
        "raw_spin_unlock", "raw_spin_unlock_irqrestore", "raw_spin_unlock_irq", "up_read", "up_write",
        "up", "write_unlock", "read_unlock", "write_unlock_irqrestore", "read_unlock_irqrestore",
    ]
    static let lockCalls = SpellingSet(lockCallWords)
    static let unlockCalls = SpellingSet(unlockCallWords)

    static func lockName(_ arg: some ZeroBasedTokens) -> String {
        var a = Array(arg)
        while let f = a.first, f.is(.amp) || f.is(.lparen) { a.removeFirst() }
        // Keep only the member name: `&priv->lock` and `&dev->lock` in two functions name the
        // same lock when the struct is the same; the global `foo_lock` stays itself.
        if let last = a.last(where: { $0.kind == .ident }) {
            return a.count == 1 ? last.text : "->" + last.text
        }
        return a.joined
    }

    func scan(into f: inout FunctionDef) {
        let toks = parser.toks
        var held: [String] = []
        var j = from
        var stmtStart = from
        var parens = 0
        while j < to {
            let t = toks[j]
            if t.kind == .punct {
                if t.is(.lparen) { parens += 1 }
                else if t.is(.rparen) { parens -= 1 }
                else if t.is(.semicolon) || t.is(.lbrace) || t.is(.rbrace) { stmtStart = j + 1 }
                // As for calls: deeper than real code nests, nothing is recorded.
                else if t.is(.assign) { if parens < BodyScanner.maxArgDepth { assignment(at: j, &f, held) } }
                j += 1; continue
            }
            guard t.kind == .ident else { j += 1; continue }
            // Local declarations: `struct foo *p`, `struct foo p`, `foo_t *p`.
            if j == stmtStart || (j > from && (toks[j - 1].is(.kwConst) || toks[j - 1].is(.kwStatic))) {
                var k = j
                var type = TypeRef(name: "", isStruct: false, pointer: 0, array: false)
                if t.is(.kwStruct) || t.is(.kwUnion), k + 1 < to, toks[k + 1].kind == .ident {
                    type.name = toks[k + 1].text; type.isStruct = true; k += 2
                } else if !Parser.keywordsNotCalls.contains(t), !t.is(.kwReturn) {
                    type.name = t.text; k += 1
                }
                if !type.name.isEmpty {
                    var declared = false
                    while true {
                        var p = 0
                        while k < to, toks[k].is(.star) { p += 1; k += 1 }
                        while k < to, Parser.qualifiers.contains(toks[k]) { k += 1 }
                        guard k < to, toks[k].kind == .ident, k + 1 < to else { break }
                        let next = toks[k + 1]
                        guard next.is(.assign) || next.is(.semicolon) || next.is(.comma) || next.is(.lbracket) else { break }
                        if !type.isStruct && p == 0 { break }  // `x = y;` is not a declaration
                        var ty = type; ty.pointer = p
                        ty.array = next.is(.lbracket)
                        f.locals[toks[k].text] = ty
                        declared = true
                        // Skip an initializer to the next top-level comma.
                        var m = k + 1
                        while m < to {
                            if toks[m].opensGroup { m = parser.matching(m, limit: to) + 1; continue }
                            if toks[m].is(.comma) || toks[m].is(.semicolon) { break }
                            m += 1
                        }
                        if parser.isToken(m, .comma) { k = m + 1; continue }
                        break
                    }
                    if declared { j += 1; continue }
                }
            }
            // Calls.
            if j + 1 < to, toks[j + 1].is(.lparen), !Parser.keywordsNotCalls.contains(t) {
                let close = parser.matching(j + 1, limit: to)
                // Calls nested deeper than real code goes keep their name only, so that
                // hostile nesting stays linear; arguments are capped for the same reason.
                var group = parens < BodyScanner.maxArgDepth ? TokenRun.inside(toks, j + 1, close) : []
                var name = t.text
                // Only lock calls need their arguments split here.
                let isLockCall = BodyScanner.lockCalls.contains(t), isUnlockCall = BodyScanner.unlockCalls.contains(t)
                let isLock = name == "guard" || name == "scoped_guard" || isLockCall || isUnlockCall
                var args = isLock ? group.splitArgs(maxTokens: BodyScanner.maxArgTokens) : []
                // guard(mutex)(&lock) / scoped_guard(mutex, &lock)
                if name == "guard", close + 1 < to, toks[close + 1].is(.lparen) {
                    let c2 = parser.matching(close + 1, limit: to)
                    group = TokenRun.inside(toks, close + 1, c2)
                    args = group.splitArgs(maxTokens: BodyScanner.maxArgTokens)
                    name = "guard"
                    if let a = args.first { held.append(BodyScanner.lockName(a)); f.locksTaken.insert(BodyScanner.lockName(a)) }
                } else if name == "scoped_guard", args.count >= 2 {
                    held.append(BodyScanner.lockName(args[1])); f.locksTaken.insert(BodyScanner.lockName(args[1]))
                } else if isLockCall, let a = args.first {
                    held.append(BodyScanner.lockName(a)); f.locksTaken.insert(BodyScanner.lockName(a))
                } else if isUnlockCall, let a = args.first {
                    let l = BodyScanner.lockName(a)
                    if let idx = held.lastIndex(of: l) { held.remove(at: idx) }
                }
                f.calls.append(Call(name: name, group: group, loc: Loc(t), locks: held))
            }
            j += 1
        }
        f.calls = f.calls.trimmed()
        f.assigns = f.assigns.trimmed()
    }

    private func assignment(at eq: Int, _ f: inout FunctionDef, _ held: [String]) {
        let toks = parser.toks
        // Backward to the expression start.
        var s = eq - 1
        var depth = 0
        while s >= from {
            let t = toks[s]
            if t.kind == .punct {
                if t.is(.rparen) || t.is(.rbracket) { depth += 1 }
                else if t.is(.lparen) || t.is(.lbracket) {
                    if depth == 0 { break }
                    depth -= 1
                } else if depth == 0 && (t.is(.semicolon) || t.is(.lbrace) || t.is(.rbrace) || t.is(.comma)) { break }
            }
            s -= 1
        }
        var e = eq + 1
        depth = 0
        // Bounded: `a = (b = (c = …))` would otherwise rescan and copy the rest per `=`.
        let end = min(to, eq + 1 + BodyScanner.maxRhsTokens)
        while e < end {
            let t = toks[e]
            if t.kind == .punct {
                if t.opensGroup { depth += 1 }
                else if t.closesGroup {
                    if depth == 0 { break }
                    depth -= 1
                } else if depth == 0 && (t.is(.semicolon) || t.is(.comma)) { break }
            }
            e += 1
        }
        var lhs = TokenRun(toks, (s + 1)..<eq)
        let rhs = TokenRun(toks, (eq + 1)..<max(eq + 1, e))
        guard !lhs.isEmpty else { return }
        var declared: TypeRef? = nil
        // `struct foo *p = …`: keep the declared type, reduce the lhs to the name.
        if lhs.count >= 2, let last = lhs.last, last.kind == .ident,
           lhs[lhs.count - 2].kind == .ident || lhs[lhs.count - 2].is(.star) {
            let (n, t) = Parser.declarator(lhs)
            if n != nil && !t.name.isEmpty { declared = t; lhs = TokenRun(toks, (eq - 1)..<eq) }
        } else if lhs.count == 1, s + 1 > from, s >= from, toks[s].is(.comma), let local = f.locals[lhs[0].text] {
            declared = local
        }
        f.assigns.append(Assignment(lhs: lhs, rhs: rhs, loc: Loc(lhs[0]), locks: held, declared: declared))
    }
}
