/// The structural facts the parser extracts from one C file. Nothing here is a full AST:
/// only what the devm-lifetime analysis needs, each fact with its source position.

/// 1-based line and column in the file the fact came from.
/// Stored in 32-bit fields: every call, assignment and initializer field keeps one.
struct Loc: Sendable, Hashable {
    private var line32: Int32
    private var col32: Int32
    var line: Int {
        get { Int(line32) }
        set { line32 = Int32(clamping: newValue) }
    }
    var col: Int {
        get { Int(col32) }
        set { col32 = Int32(clamping: newValue) }
    }
    init(_ t: Token) { line32 = t.line; col32 = t.col }
    init(line: Int, col: Int) { line32 = Int32(clamping: line); col32 = Int32(clamping: col) }
}

/// A C type as far as the lint cares: a struct/union tag or a typedef/base name, how many
/// pointer levels, and whether the declarator is an array.
///
/// 24 bytes, not 40: every struct member, local, parameter and declaring assignment of
/// the parsed files keeps one, so the pointer level is stored in 32 bits (clamped).
struct TypeRef: Sendable, Hashable {
    var name: String
    var isStruct: Bool
    var array: Bool
    private var pointer32: Int32
    var pointer: Int {
        get { Int(pointer32) }
        set { pointer32 = Int32(clamping: newValue) }
    }

    init(name: String, isStruct: Bool, pointer: Int, array: Bool) {
        self.name = name; self.isStruct = isStruct; self.array = array; pointer32 = Int32(clamping: pointer)
    }
}

struct MemberDecl: Sendable {
    var name: String
    var type: TypeRef
    /// Inline `struct { … } name;` definitions keep their own members.
    var nested: StructDef?
    var loc: Loc
}

/// A struct or union definition. Identity is (file, line, tag): two trees' `struct foo`
/// are different structs.
final class StructDef: Sendable {
    let tag: String
    let members: [MemberDecl]
    let file: String
    let loc: Loc
    init(tag: String, members: [MemberDecl], file: String, loc: Loc) {
        self.tag = tag; self.members = members; self.file = file; self.loc = loc
    }
    var id: String { "\(file):\(loc.line):\(tag)" }
}

/// A designated (or positional, name "") initializer element.
struct InitField: Sendable {
    var name: String
    /// A run of the file's token array: nested levels share it instead of each copying
    /// the rest of the initializer.
    var value: TokenRun
    var nested: [InitField]?
    var loc: Loc
}

struct GlobalVar: Sendable {
    var name: String
    var type: TypeRef
    var initializer: [InitField]?
    var loc: Loc
}

struct Call: Sendable {
    var name: String
    /// What lies between the call's parentheses (for `guard(mutex)(&lock)`, the second
    /// pair's); empty for calls nested deeper than `BodyScanner.maxArgDepth`.
    var group: TokenRun
    /// The arguments, each cut to `BodyScanner.maxArgTokens` tokens. Split on each access:
    /// the analysis reads the arguments of a few calls it picked by name, and a stored
    /// array per call was a tenth of the parsed facts' memory on drivers/.
    var args: [TokenRun] { group.splitArgs(maxTokens: BodyScanner.maxArgTokens) }
    var loc: Loc
    /// Locks (normalized first argument of `mutex_lock` & co.) held at the call.
    var locks: [String]
}

struct Assignment: Sendable {
    var lhs: TokenRun
    var rhs: TokenRun
    var loc: Loc
    var locks: [String]
    /// Declared type when the assignment is a declaration's initializer.
    var declared: TypeRef?
}

/// A reference, not a value: the analysis hands functions around by the thousand (in
/// tuples, per candidate, per helper followed), and a copy of a struct of a dozen
/// references retained and released each of them.
// Sendable: the parser (`Parser.function`, `BodyScanner.scan`) writes the properties before
// the `FileUnit` holding the function leaves the parsing thread (through a lock or a
// join); nothing writes them afterwards.
final class FunctionDef: @unchecked Sendable {
    var name: String
    var file: String
    var returnType: TypeRef
    var params: [(name: String, type: TypeRef)]
    var locals: [String: TypeRef]
    var calls: [Call]
    var assigns: [Assignment]
    /// A slice of the file's token array: bodies share storage with it.
    var body: ArraySlice<Token>
    var loc: Loc
    var isStatic: Bool
    var locksTaken: Set<String>

    init(name: String, file: String, returnType: TypeRef, params: [(name: String, type: TypeRef)], locals: [String: TypeRef],
         calls: [Call], assigns: [Assignment], body: ArraySlice<Token>, loc: Loc, isStatic: Bool, locksTaken: Set<String>) {
        self.name = name; self.file = file; self.returnType = returnType; self.params = params; self.locals = locals
        self.calls = calls; self.assigns = assigns; self.body = body; self.loc = loc; self.isStatic = isStatic
        self.locksTaken = locksTaken
    }
}

/// A top-level macro invocation such as `module_platform_driver_probe(drv, probe);`.
struct TopCall: Sendable {
    var name: String
    var args: [TokenRun]
    var loc: Loc
}

/// Everything extracted from one file. A reference for the same reason as `FunctionDef`
/// (nine references per copy, and every lookup of the analysis returned one).
// Sendable: written only by the parser that creates it, before it leaves that thread
// (through a lock or a join); read-only afterwards.
final class FileUnit: @unchecked Sendable {
    var path: String
    var includes: [IncludeDirective]
    var macros: [String: MacroDef]
    var suppressions: [SuppressionComment]
    var structs: [String: StructDef]
    var typedefs: [String: TypeRef]
    var globals: [String: GlobalVar]
    var functions: [FunctionDef]
    var topCalls: [TopCall]

    init(path: String, includes: [IncludeDirective], macros: [String: MacroDef], suppressions: [SuppressionComment],
         structs: [String: StructDef], typedefs: [String: TypeRef], globals: [String: GlobalVar], functions: [FunctionDef],
         topCalls: [TopCall]) {
        self.path = path; self.includes = includes; self.macros = macros; self.suppressions = suppressions
        self.structs = structs; self.typedefs = typedefs; self.globals = globals; self.functions = functions
        self.topCalls = topCalls
    }
}

extension ZeroBasedTokens {
    /// Tokens joined without spaces except between identifiers: `&priv->misc`, `struct foo`.
    var joined: String {
        var s = ""
        var prevIdent = false
        for t in self {
            let isWord = t.kind == .ident || t.kind == .number
            if prevIdent && isWord { s += " " }
            s += t.text
            prevIdent = isWord
        }
        return s
    }
}

extension Array {
    /// The same elements without spare capacity. Parsed facts are appended one by one and
    /// then kept for the whole run: the doubling slack was a fifth of the peak memory.
    func trimmed() -> [Element] {
        guard capacity > count + count / 8 else { return self }
        return [Element](unsafeUninitializedCapacity: count) { buf, n in
            _ = buf.initialize(fromContentsOf: self)
            n = count
        }
    }
}
