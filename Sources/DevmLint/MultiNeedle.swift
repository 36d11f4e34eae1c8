/// One-pass search for several byte strings at once, for the prefilter that reads every
/// file of the tree. Each needle is anchored on a distinctive 4-byte window (not its
/// prefix: "struct", "de" and "_" start half of kernel C). Per byte: one unaligned 32-bit
/// load, a multiplicative hash and a bit test; a hit is verified against the full needle.
///
/// Cost: about one nanosecond per byte, independent of the number of needles.
struct MultiNeedle: Sendable {
    struct Needle: Sendable {
        var bytes: [UInt8]
        var window: Int
        var group: Int
        var key: UInt32
    }
    private var needles: [Needle] = []
    private var table = [UInt64](repeating: 0, count: 64)  // 4096 bits

    private static func hash(_ x: UInt32) -> Int { Int((x &* 0x9E37_79B1) >> 20) }

    /// `needles[i].window` is the offset of the anchoring 4-byte window inside the needle.
    init(_ list: [(String, window: Int, group: Int)]) {
        for (s, w, g) in list {
            let b = Array(s.utf8)
            precondition(b.count >= w + 4, "window must lie inside the needle")
            let key = UInt32(b[w]) | UInt32(b[w + 1]) << 8 | UInt32(b[w + 2]) << 16 | UInt32(b[w + 3]) << 24
            needles.append(Needle(bytes: b, window: w, group: g, key: key))
            let h = MultiNeedle.hash(key)
            table[h >> 6] |= 1 << UInt64(h & 63)
        }
    }

    /// Bit set of the groups whose needles occur in `hay`; stops early once `stopMask`
    /// groups are all found.
    func groups(in hay: UnsafeRawBufferPointer, stopMask: Int) -> Int {
        let n = hay.count
        guard n >= 4, let base = hay.baseAddress else { return 0 }
        var found = 0
        var i = 0
        return table.withUnsafeBufferPointer { bits -> Int in
        while i + 4 <= n {
            let x = base.loadUnaligned(fromByteOffset: i, as: UInt32.self)
            let h = MultiNeedle.hash(x)
            if bits[h &>> 6] & (1 &<< UInt64(h & 63)) != 0 {
                for nd in needles where nd.key == x && found & (1 << nd.group) == 0 {
                    let start = i - nd.window
                    guard start >= 0, start + nd.bytes.count <= n else { continue }
                    var ok = true
                    for k in 0..<nd.bytes.count where base.load(fromByteOffset: start + k, as: UInt8.self) != nd.bytes[k] {
                        ok = false; break
                    }
                    if ok {
                        found |= 1 << nd.group
                        if found & stopMask == stopMask { return found }
                    }
                }
            }
            i &+= 1
        }
        return found
        }
    }
}
