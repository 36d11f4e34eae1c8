/// Durations in scenario files: `10ms`, `2s`, `500us`, `100ns`.
public enum Durations {
    /// Nanoseconds for `text`, or nil if it is not a duration.
    public static func parse(_ text: String) -> UInt64? {
        let units: [(String, UInt64)] = [("ns", 1), ("us", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let n = UInt64(number), n <= UInt64.max / scale { return n * scale }
            return nil
        }
        return nil
    }

    /// The shortest exact rendering: `10ms`, `1500us`.
    public static func render(_ ns: UInt64) -> String {
        if ns != 0, ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000)s" }
        if ns != 0, ns % 1_000_000 == 0 { return "\(ns / 1_000_000)ms" }
        if ns != 0, ns % 1_000 == 0 { return "\(ns / 1_000)us" }
        return "\(ns)ns"
    }
}
