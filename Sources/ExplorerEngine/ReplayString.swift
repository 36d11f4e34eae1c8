/// The prefix of every replay string the explorer prints
/// (`dm1:<scenario-hash>:<strategy>:<choices>[:f<fault>]`).
public enum ReplayFormat {
    public static let version = "dm1"
}

/// `dm1:<scenario-hash>:<strategy>:<choices>[:f<fault>]`: one execution, reproducible exactly.
///
/// `choices` lists the thread chosen at each scheduling decision where more than one thread
/// could run: thread 0 is `a`, 1 is `b`, … (at most 26 actors), a letter followed by a decimal
/// count repeats it (`a3b` = a, a, a, b); `-` when there was no decision. A final `+` (shrunk
/// failures) means "then the default schedule": each thread keeps running until it blocks or
/// finishes, then the lowest-numbered runnable one runs. `strategy` says what
/// found it (`pb2`: preemption bound 2, `rnd42`: random, seed 42, `pct2s7`: PCT depth 2, seed 7,
/// `ex`: exhaustive) and does
/// not affect the replay. Parsing never crashes: malformed text is a ``ReplayError``.
public struct ReplayString: Sendable, Equatable, CustomStringConvertible {
    /// The `ScenarioHash` of the program it was made for.
    public var hash: String
    /// What found it (informational).
    public var strategy: String
    /// The thread chosen at each decision, 0-based.
    public var choices: [Int]
    /// The choices are a prefix; the default schedule decides after them (written `+`).
    public var thenDefault: Bool
    /// The injectable point (1-based, counted from when the actors start) that fails, written
    /// `:f<n>`; nil when no fault is injected.
    public var fault: Int?

    public init(hash: String, strategy: String, choices: [Int], thenDefault: Bool = false, fault: Int? = nil) {
        self.hash = hash
        self.strategy = strategy
        self.choices = choices
        self.thenDefault = thenDefault
        self.fault = fault
    }

    public var description: String {
        "\(ReplayFormat.version):\(hash):\(strategy):\(thenDefault && choices.isEmpty ? "" : Self.encode(choices))\(thenDefault ? "+" : "")"
            + (fault.map { ":f\($0)" } ?? "")
    }

    /// Parses `text`; the scenario hash is checked by the explorer, not here.
    public init(parsing text: String) throws(ReplayError) {
        let parts = text.trimmingCharactersInWhitespace().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4 || parts.count == 5 else {
            throw .malformed("expected 4 or 5 fields separated by ':', got \(parts.count)")
        }
        guard parts[0] == ReplayFormat.version else {
            throw .malformed("unknown version '\(parts[0])' (this explorer reads \(ReplayFormat.version))")
        }
        guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isHexDigit }) else { throw .malformed("the scenario hash '\(parts[1])' is not hex") }
        hash = String(parts[1])
        strategy = String(parts[2])
        var encoded = Substring(parts[3])
        thenDefault = encoded.hasSuffix("+")
        if thenDefault { encoded = encoded.dropLast() }
        choices = thenDefault && encoded.isEmpty ? [] : try Self.decode(String(encoded))
        fault = nil
        if parts.count == 5 {
            let f = parts[4]
            guard f.first == "f", f.count <= 10, let n = Int(f.dropFirst()), n >= 1 else {
                throw .malformed("the fault field '\(f)' is not f<n> with n ≥ 1")
            }
            fault = n
        }
    }

    /// Letters for threads, counts for runs longer than one.
    public static func encode(_ choices: [Int]) -> String {
        if choices.isEmpty { return "-" }
        var out = ""
        var i = 0
        while i < choices.count {
            var j = i
            while j < choices.count && choices[j] == choices[i] { j += 1 }
            let c = choices[i]
            out.append(c >= 0 && c < 26 ? Character(Unicode.Scalar(UInt8(97 + c))) : "?")
            if j - i > 1 { out += String(j - i) }
            i = j
        }
        return out
    }

    static func decode(_ text: String) throws(ReplayError) -> [Int] {
        if text == "-" { return [] }
        var out: [Int] = []
        var thread: Int?
        var count = ""
        func flush() throws(ReplayError) {
            guard let t = thread else { return }
            let n = count.isEmpty ? 1 : (Int(count) ?? -1)
            guard n >= 1, n <= 10_000_000, out.count + n <= 10_000_000 else { throw .malformed("bad repeat count '\(count)'") }
            out += repeatElement(t, count: n)
        }
        for ch in text.unicodeScalars {
            if ch.value >= 97 && ch.value < 123 {
                try flush()
                thread = Int(ch.value) - 97
                count = ""
            } else if ch.value >= 48 && ch.value < 58, thread != nil {
                count.unicodeScalars.append(ch)
                if count.count > 8 { throw .malformed("repeat count too long") }
            } else {
                throw .malformed("unexpected '\(ch)' in the choices")
            }
        }
        try flush()
        if out.isEmpty { throw .malformed("no choices (write '-' for none)") }
        return out
    }
}

/// Why a replay string was not replayed.
public enum ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a `dm1:` string (the reason says which part).
    case malformed(String)
    /// The string was made for other scenario content.
    case scenarioChanged(expected: String, got: String)
    /// It names a thread the program does not have.
    case noSuchThread(Int, actors: Int)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed replay string: \(why)"
        case .scenarioChanged(let expected, let got):
            "replay string is for scenario hash \(got), but this scenario's hash is \(expected): the scenario (or the explorer's scheduling points) changed"
        case .noSuchThread(let t, let n): "replay string chooses thread \(t) but the scenario has \(n) actors"
        }
    }
}

extension String {
    func trimmingCharactersInWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}
