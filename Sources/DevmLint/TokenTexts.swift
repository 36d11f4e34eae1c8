import Synchronization

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
/// Threading: any thread may call any method. Slots are written once, under the lock,
/// before the id naming them is returned; the chunk pointers too. A reader obtains an id
/// either from its own `intern` (it held the lock after the write) or from a token handed
/// over through a lock or a join (a `Mutex`, `concurrentPerform`'s return), so the write
/// happens before the read in both cases and the unsynchronised load is race-free.
final class TokenTexts: @unchecked Sendable {
    // Sendable: `chunks` and the slots are written only under `state`'s lock and never
    // again; reads are of published slots only (see "Threading" above).
    static let shared = TokenTexts()

    private static let chunkShift = 14
    private static let chunkSize = 1 << chunkShift
    /// 2^10 chunks of 2^14 slots: 16 million spellings, the 24 bits a `Token` keeps (a
    /// whole kernel tree has a few hundred thousand).
    private static let maxChunks = 1 << 10

    private struct State {
        var ids: [String: UInt32] = [:]
        var count = 0
    }
    private let state = Mutex(State())
    private let chunks: UnsafeMutablePointer<UnsafeMutablePointer<String>?>

    private init() {
        chunks = .allocate(capacity: TokenTexts.maxChunks)
        chunks.initialize(repeating: nil, count: TokenTexts.maxChunks)
        _ = intern("")  // id 0: numbers' spelling, and the fallback above
    }

    /// The spelling of `id`. `id` must come from this table.
    @inline(__always)
    func text(_ id: UInt32) -> String {
        chunks[Int(id) >> TokenTexts.chunkShift].unsafelyUnwrapped[Int(id) & (TokenTexts.chunkSize - 1)]
    }

    /// The id of `s`, adding it when new.
    func intern(_ s: String) -> UInt32 {
        state.withLock { add(s, &$0) }
    }

    /// The ids of `texts`, in order, under one lock.
    func intern(_ texts: [String]) -> [UInt32] {
        state.withLock { st in texts.map { add($0, &st) } }
    }

    private func add(_ s: String, _ st: inout State) -> UInt32 {
        if let id = st.ids[s] { return id }
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
        st.ids[s] = UInt32(id)
        return UInt32(id)
    }
}
