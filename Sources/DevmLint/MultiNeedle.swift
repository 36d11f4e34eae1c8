import CByteScan
import Foundation

/// One-pass search for several byte strings at once, for the prefilter that reads every
/// file of the tree. Each needle is fingerprinted by three consecutive bytes of it
/// (`fingerprint`: their offset), chosen rare in kernel C: "devm_k" by "m_k", which
/// occurs once in 100 KB of drivers/, where its prefix "de" is everywhere. Needles
/// sharing a fingerprint share its test ("cdev_add", "struct cdev" and "miscdevice" all
/// hold "cde"). `dm_find_trigrams` (module CByteScan) tests every fingerprint on 32
/// positions at a time; each position it reports is verified against the needles of the
/// fingerprints that match there whose group is not found yet.
///
/// Cost: about 0.2 ns per byte on one core with AVX2 (a 236 MB sample of 6.12 drivers/
/// in 0.047 s; 0.89 G instructions for all 1.04 GB of it), whatever the number of
/// fingerprints (at most `DM_TRIGRAMS_MAX`); about one window of 32 bytes in 70 has a
/// candidate. The per-byte hash probe this replaced took 0.38 ns and 3.3 G instructions.
// Sendable: `set` is written once in `init` and only read afterwards (by
// `dm_find_trigrams`, which takes it by pointer and never writes through it).
struct MultiNeedle: @unchecked Sendable {
    struct Needle: Sendable {
        var bytes: [UInt8]
        var group: Int
    }
    /// A fingerprint and the needles that carry it, with its offset in each.
    struct Anchor: Sendable {
        var bytes: (UInt8, UInt8, UInt8)
        var needles: [(needle: Int, offset: Int)]
    }
    private var needles: [Needle] = []
    private var anchors: [Anchor] = []
    /// Every group some needle belongs to: once all are found, nothing is left to look for.
    private var allGroups = 0
    private let set: UnsafeMutablePointer<dm_trigram_set>
    /// Searches without vectors (tests: the fallback must find what the vector path finds).
    private let portable: Bool

    /// `fingerprint`: the offset in the needle of its three fingerprint bytes. At most
    /// `DM_TRIGRAMS_MAX` distinct fingerprints. Made once per process (a static table), so
    /// the tables are never freed.
    init(_ list: [(String, fingerprint: Int, group: Int)], portable: Bool = false) {
        self.portable = portable
        for (s, at, g) in list {
            let b = Array(s.utf8)
            precondition(at >= 0 && at + 3 <= b.count, "a fingerprint lies inside its needle")
            precondition(g >= 0 && g < Int.bitWidth, "a group is a bit of the result")
            let fp = (b[at], b[at + 1], b[at + 2])
            let n = needles.count
            needles.append(Needle(bytes: b, group: g))
            allGroups |= 1 << g
            if let k = anchors.firstIndex(where: { $0.bytes == fp }) {
                anchors[k].needles.append((n, at))
            } else {
                anchors.append(Anchor(bytes: fp, needles: [(n, at)]))
            }
        }
        precondition(anchors.count <= DM_TRIGRAMS_MAX, "at most DM_TRIGRAMS_MAX fingerprints")
        set = .allocate(capacity: 1)
        let flat = anchors.flatMap { [$0.bytes.0, $0.bytes.1, $0.bytes.2] }
        flat.withUnsafeBytes { raw in
            dm_trigram_set_init(set, raw.baseAddress!.assumingMemoryBound(to: (UInt8, UInt8, UInt8).self), Int32(anchors.count))
        }
    }

    /// Bit set of the groups whose needles occur in `hay`; stops early once `stopMask`
    /// groups are all found.
    func groups(in hay: UnsafeRawBufferPointer, stopMask: Int) -> Int {
        guard let base = hay.baseAddress?.assumingMemoryBound(to: UInt8.self), !hay.isEmpty else { return 0 }
        let n = hay.count
        var found = 0
        var at = 0
        while at < n {
            var mask: UInt32 = 0
            let window = portable ? dm_find_trigrams_portable(base, n, at, set, &mask) : dm_find_trigrams(base, n, at, set, &mask)
            guard window < n else { break }
            var bits = mask
            while bits != 0 {
                let k = window + bits.trailingZeroBitCount
                bits &= bits - 1
                for a in anchors where a.bytes == (base[k], base[k + 1], base[k + 2]) {
                    for (ni, off) in a.needles where found & (1 << needles[ni].group) == 0 {
                        let start = k - off
                        let len = needles[ni].bytes.count
                        guard start >= 0, start + len <= n else { continue }
                        if needles[ni].bytes.withUnsafeBytes({ memcmp(base + start, $0.baseAddress!, len) == 0 }) {
                            found |= 1 << needles[ni].group
                            if found & stopMask == stopMask || found == allGroups { return found }
                        }
                    }
                }
            }
            at = window + DM_TRIGRAMS_WINDOW
        }
        return found
    }
}
