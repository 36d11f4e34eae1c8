import Foundation

/// One file's distinct token spellings while it is tokenized: a byte span gets a local id
/// without building a `String`, and the file's texts are interned in `TokenTexts` in one
/// batch at the end (`globalIDs`), compared as bytes. Kernel C repeats a few thousand
/// spellings per file, nearly all known to the table already, so a `String` is made per
/// spelling new to the run, not per token nor per file's spelling.
///
/// Cost: a hash (`TokenTexts.hash`) and one comparison per token; the table doubles at half load.
struct Spellings {
    private var table = [Int32](repeating: -1, count: 1024)
    /// Local id k's bytes are `arena[offsets[k]..<offsets[k + 1]]`.
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var hashes: [UInt32] = []
    /// Local ids of one-byte spellings by byte, -1 until met: more than half of all tokens
    /// are one-byte punctuators (`(`, `,`, `;`, `->` aside), and this spares them the hash
    /// and the probe (0.5 G of 10 G instructions on 6.12 drivers/).
    private var single = [Int32](repeating: -1, count: 256)

    init() {
        arena.reserveCapacity(16 << 10)
        hashes.reserveCapacity(1024)
        offsets.reserveCapacity(1025)
    }

    /// The local id of the bytes `p[s..<e]`.
    mutating func id(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt32 {
        if e - s == 1 {
            let c = Int(p[s])
            if single[c] >= 0 { return UInt32(single[c]) }
            let k = probe(p, s, e)
            single[c] = Int32(k)
            return k
        }
        return probe(p, s, e)
    }

    private mutating func probe(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt32 {
        let h = TokenTexts.hash(p, s, e)
        let mask = table.count - 1
        var slot = Int(h) & mask
        let len = e - s
        while true {
            let k = Int(table[slot])
            if k < 0 { break }
            if hashes[k] == h, offsets[k + 1] - offsets[k] == len {
                let same = len == 0 || arena.withUnsafeBufferPointer { a -> Bool in
                    let x = a.baseAddress! + offsets[k], y = p.baseAddress! + s
                    // Most spellings are a few bytes: a loop beats a call to memcmp.
                    guard len <= 16 else { return memcmp(x, y, len) == 0 }
                    var q = 0
                    while q < len { if x[q] != y[q] { return false }; q += 1 }
                    return true
                }
                if same { return UInt32(k) }
            }
            slot = (slot + 1) & mask
        }
        let k = hashes.count
        arena.append(contentsOf: UnsafeBufferPointer(rebasing: p[s..<e]))
        offsets.append(arena.count)
        hashes.append(h)
        table[slot] = Int32(k)
        if hashes.count * 2 > table.count { grow() }
        return UInt32(k)
    }

    /// The local id of `text` (spellings that are not a span of the file: `"…"`, numbers').
    mutating func id(_ text: String) -> UInt32 {
        var t = text
        return t.withUTF8 { id($0, 0, $0.count) }
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        let mask = table.count - 1
        for k in hashes.indices {
            var slot = Int(hashes[k]) & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(k)
        }
    }

    /// Global ids (`TokenTexts.shared`) of the local ids, indexed by local id.
    func globalIDs() -> [UInt32] { TokenTexts.shared.intern(arena: arena, offsets: offsets, hashes: hashes) }
}
