import Foundation

/// The process-wide table of token spellings: a `Token` keeps a 32-bit id into it instead
/// of a `String`, so a token is 12 bytes and an identifier met a million times is stored
/// once (the parsed files of drivers/ hold about seven million tokens at once).
///
/// Guarantees: an id, once returned, names the same text for the life of the process;
/// equal texts get equal ids. Ids are dense from 0 and the table only grows (one lint of
/// a whole kernel tree adds a few hundred thousand spellings, about 20 MB).
///
/// Cost: `intern` takes one lock per call and a batch of texts (a file's distinct
/// spellings) takes it once; `text(_:)` takes no lock and is a two-level array load plus a
/// String copy (a retain for spellings longer than 15 bytes).
///
/// Threading: any thread may call any method. The lock is a pthread mutex, which the thread
/// sanitizer sees (`Synchronization.Mutex`'s contended path is invisible to it, and this
/// table is shared by every thread of the process). Slots are written once, under the lock,
/// before the id naming them is returned; the chunk pointers too. A reader obtains an id
/// either from its own `intern` (it held the lock after the write) or from a token handed
/// over through a lock or a join (a `Mutex`, `concurrentPerform`'s return), so the write
/// happens before the read in both cases and the unsynchronised load is race-free.
// Sendable: slots are written once under the pthread lock before their id escapes (see above).
final class TokenTexts: @unchecked Sendable {
    // Sendable: `state`, `chunks` and the slots are written only under `lock`, slots and
    // chunk pointers never again; unlocked reads are of published slots only (see
    // "Threading" above).
    static let shared = TokenTexts()

    private static let chunkShift = 14
    private static let chunkSize = 1 << chunkShift
    /// 2^10 chunks of 2^14 slots: 16 million spellings, the 24 bits a `Token` keeps (a
    /// whole kernel tree has a few hundred thousand).
    private static let maxChunks = 1 << 10

    /// Open addressing keyed by the hash (`hash`) `Spellings` already computed: Swift's
    /// seeded String hashing of every file's spellings was 7% of a drivers/ run.
    private struct State {
        /// 0: empty; else the hash in the high half and id + 1 in the low half.
        var slots = [UInt64](repeating: 0, count: 1 << 16)
        var count = 0
    }
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private var state = State()  // guarded by `lock`
    private let chunks: UnsafeMutablePointer<UnsafeMutablePointer<String>?>

    private init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_mutex_t())
        pthread_mutex_init(lock, nil)
        chunks = .allocate(capacity: TokenTexts.maxChunks)
        chunks.initialize(repeating: nil, count: TokenTexts.maxChunks)
        _ = intern("")  // id 0: numbers' spelling, and the fallback above
        for w in TokenTexts.preinterned { _ = intern(w) }
    }

    /// Interned when the table starts, in this order: `Sp`'s spellings (ids 1…, their raw
    /// values), then the words `SpellingSet`s hold, sorted (ids below 256).
    static var preinterned: [String] {
        Sp.allCases.map(\.text) + Parser.qualifierWords.union(Parser.attributeCallWords).union(Parser.keywordsNotCallWords)
            .union(BodyScanner.lockCallWords).union(BodyScanner.unlockCallWords).subtracting(Sp.allCases.map(\.text)).sorted()
    }

    /// The spelling of `id`. `id` must come from this table.
    @inline(__always)
    func text(_ id: UInt32) -> String {
        chunks[Int(id) >> TokenTexts.chunkShift].unsafelyUnwrapped[Int(id) & (TokenTexts.chunkSize - 1)]
    }

    /// The hash of `b[s..<e]` both tables use: eight bytes per multiply (FNV-1a's one
    /// byte per dependent multiply was most of `Spellings.id` on identifiers), the tail in
    /// one masked load where the buffer goes on past it (else byte by byte), then a final
    /// mix so that the low bits (the slot) depend on every byte.
    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: e - s)
        guard e > s, let p = b.baseAddress else { return UInt32(truncatingIfNeeded: h >> 32) }
        var k = s
        while k + 8 <= e {
            h = (h ^ UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h &>> 31
            k += 8
        }
        var tail: UInt64 = 0
        if k < e, k + 8 <= b.count {
            // Eight bytes lie inside the buffer: one load, the bytes past `e` masked off
            // (the same value as the byte loop below, so both tables agree).
            let keep = UInt64(e - k) * 8
            tail = UInt64(littleEndian: UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self)) & ((1 &<< keep) &- 1)
        } else {
            var shift: UInt64 = 0
            while k < e { tail |= UInt64(p[k]) &<< shift; shift += 8; k += 1 }
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h &>> 29
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h &>> 32
        return UInt32(truncatingIfNeeded: h)
    }

    /// The id of `s`, adding it when new.
    func intern(_ s: String) -> UInt32 {
        var t = s
        let h = t.withUTF8 { TokenTexts.hash($0, 0, $0.count) }
        return locked { add(h, &$0, equals: { $0 == s }, make: { s }) }
    }

    /// The ids of the spellings `arena[offsets[k]..<offsets[k + 1]]` (whose hashes are
    /// `hashes[k]`), in order, under one lock. A `String` is made only for a spelling the
    /// table does not hold yet: a file's few thousand spellings are nearly all known.
    func intern(arena: [UInt8], offsets: [Int], hashes: [UInt32]) -> [UInt32] {
        arena.withUnsafeBufferPointer { a in
            locked { st in
                hashes.indices.map { k in
                    let bytes = UnsafeBufferPointer(rebasing: a[offsets[k]..<offsets[k + 1]])
                    return add(hashes[k], &st, equals: { TokenTexts.same($0, bytes) },
                               make: { String(decoding: bytes, as: UTF8.self) })
                }
            }
        }
    }

    @inline(__always)
    private static func same(_ s: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var s = s
        return s.withUTF8 { u in
            u.count == bytes.count && (u.count == 0 || memcmp(u.baseAddress!, bytes.baseAddress!, u.count) == 0)
        }
    }

    private func locked<R>(_ body: (inout State) -> R) -> R {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return body(&state)
    }

    /// The id of the spelling whose hash is `h` and which `equals` recognises; `make`
    /// builds its text when it is new.
    private func add(_ h: UInt32, _ st: inout State, equals: (String) -> Bool, make: () -> String) -> UInt32 {
        var mask = st.slots.count - 1
        var slot = Int(h) & mask
        while st.slots[slot] != 0 {
            let v = st.slots[slot]
            if UInt32(truncatingIfNeeded: v >> 32) == h {
                let id = UInt32(truncatingIfNeeded: v) - 1
                if equals(text(id)) { return id }
            }
            slot = (slot + 1) & mask
        }
        let s = make()
        let id = st.count
        let c = id >> TokenTexts.chunkShift
        // Past the last chunk the spelling is lost, not the run: it reads as the empty
        // string (never reached: see maxChunks).
        guard c < TokenTexts.maxChunks else { return 0 }
        if chunks[c] == nil {
            let chunk = UnsafeMutablePointer<String>.allocate(capacity: TokenTexts.chunkSize)
            chunk.initialize(repeating: "", count: TokenTexts.chunkSize)
            chunks[c] = chunk
        }
        chunks[c].unsafelyUnwrapped[id & (TokenTexts.chunkSize - 1)] = s
        st.count += 1
        st.slots[slot] = UInt64(h) << 32 | UInt64(id + 1)
        if st.count * 2 > st.slots.count {
            var grown = [UInt64](repeating: 0, count: st.slots.count * 2)
            mask = grown.count - 1
            for v in st.slots where v != 0 {
                var k = Int(v >> 32) & mask
                while grown[k] != 0 { k = (k + 1) & mask }
                grown[k] = v
            }
            st.slots = grown
        }
        return UInt32(id)
    }
}
