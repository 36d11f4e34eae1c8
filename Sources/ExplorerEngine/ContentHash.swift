/// The hash that names a program's content in replay strings: a replay made for other
/// content is refused up front instead of misapplied.
///
/// Guarantee: the same text gives the same 16 hex digits in every process (64-bit FNV-1a,
/// so distinct texts collide with probability about 2^-64 per pair). Cost: linear in the text.
public enum ContentHash {
    /// FNV-1a 64 of `text`'s UTF-8 bytes, 16 lowercase hex digits.
    public static func of(text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
