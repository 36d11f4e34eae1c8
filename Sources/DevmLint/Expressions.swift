/// `&priv->sub.misc` as base `priv` and members `["sub", "misc"]`; subscripts, casts,
/// address-of and parentheses are dropped. Anything else (calls, arithmetic) is not a path.
struct ExprPath: Sendable, Hashable {
    var base: String
    var members: [String]

    init?(_ toks: some ZeroBasedTokens) {
        var i = 0
        // Strip `&`, `*`, `(`, and C casts `(struct foo *)`.
        while i < toks.count, toks[i].kind == .punct {
            let t = toks[i].text
            if t == "&" || t == "*" { i += 1; continue }
            if t == "(" {
                // cast?  ( [const] struct X * )  or ( type * )
                var k = i + 1
                var isCast = false
                while k < toks.count, toks[k].text != ")" {
                    if toks[k].text == "*" || toks[k].text == "struct" { isCast = true }
                    if toks[k].text == "->" || toks[k].text == "." || toks[k].text == "(" { isCast = false; break }
                    k += 1
                }
                if isCast && k < toks.count { i = k + 1 } else { i += 1 }
                continue
            }
            break
        }
        guard i < toks.count, toks[i].kind == .ident else { return nil }
        base = toks[i].text
        members = []
        i += 1
        while i < toks.count {
            let t = toks[i]
            if t.kind == .punct, t.text == "->" || t.text == ".", i + 1 < toks.count, toks[i + 1].kind == .ident {
                members.append(toks[i + 1].text); i += 2; continue
            }
            if t.kind == .punct, t.text == "[" {
                var d = 0
                while i < toks.count {
                    if toks[i].text == "[" { d += 1 } else if toks[i].text == "]" { d -= 1; if d == 0 { break } }
                    i += 1
                }
                i += 1; continue
            }
            if t.kind == .punct, t.text == ")" { i += 1; continue }
            return nil
        }
    }

    init(base: String, members: [String]) { self.base = base; self.members = members }
}

extension ZeroBasedTokens {
    /// The first `name(` call in the token list, with its arguments split on top-level commas.
    func firstCall() -> (name: String, args: [[Token]], token: Token)? {
        var i = 0
        while i + 1 < count {
            if self[i].kind == .ident, self[i + 1].kind == .punct, self[i + 1].text == "(",
               !Parser.keywordsNotCalls.contains(self[i]) {
                var args: [[Token]] = []
                var cur: [Token] = []
                var d = 0
                var j = i + 1
                while j < count {
                    let t = self[j]
                    if t.kind == .punct {
                        if t.text == "(" || t.text == "[" || t.text == "{" { d += 1; if d == 1 { j += 1; continue } }
                        if t.text == ")" || t.text == "]" || t.text == "}" { d -= 1; if d == 0 { break } }
                        if t.text == ",", d == 1 { args.append(cur); cur = []; j += 1; continue }
                    }
                    cur.append(t)
                    j += 1
                }
                if !cur.isEmpty { args.append(cur) }
                return (self[i].text, args, self[i])
            }
            i += 1
        }
        return nil
    }

    func containsIdent(_ s: String) -> Bool { contains { $0.kind == .ident && $0.text == s } }
}
