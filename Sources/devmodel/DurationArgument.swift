import ArgumentParser
import ScenarioModel

/// A duration on the command line: `5s`, `500ms`, `250us`, `10ns`, as everywhere else in the
/// CLI and in scenario files, or a bare number in the option's own unit (what these options
/// took before they took units, kept so that scripts go on working). Fractions are allowed
/// with a unit too (`1.5s`). Negative or non-finite values are refused with a message.
struct DurationArgument: Sendable, CustomStringConvertible {
    let seconds: Double

    /// Parses `text`; a bare number is in `bareUnit` seconds (1 for seconds, 1e-6 for µs).
    init?(_ text: String, bareUnit: Double) {
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1)]
        var scale = bareUnit
        var number = Substring(text)
        for (suffix, s) in units where text.hasSuffix(suffix) {
            scale = s
            number = text.dropLast(suffix.count)
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        seconds = value * scale
    }

    var description: String {
        let ns = seconds * 1e9
        return ns.rounded() == ns && ns < 1.8e19 ? Durations.render(UInt64(ns)) : "\(seconds)s"
    }
}

/// A duration whose bare numbers are seconds (`--duration 5` = `--duration 5s`).
struct SecondsArgument: ExpressibleByArgument, Sendable, CustomStringConvertible {
    let duration: DurationArgument
    var seconds: Double { duration.seconds }
    init(seconds: Double) { duration = DurationArgument("\(seconds)", bareUnit: 1)! }
    init?(argument: String) {
        guard let d = DurationArgument(argument, bareUnit: 1) else { return nil }
        duration = d
    }
    var description: String { duration.description }
    var defaultValueDescription: String { duration.description }
}

/// A duration whose bare numbers are microseconds (`--stutter 200` = `--stutter 200us`).
struct MicrosecondsArgument: ExpressibleByArgument, Sendable, CustomStringConvertible {
    let duration: DurationArgument
    var microseconds: Int { Int((duration.seconds * 1e6).rounded()) }
    init(microseconds: Int) { duration = DurationArgument("\(microseconds)", bareUnit: 1e-6)! }
    init?(argument: String) {
        guard let d = DurationArgument(argument, bareUnit: 1e-6) else { return nil }
        duration = d
    }
    var description: String { duration.description }
    var defaultValueDescription: String { duration.description }
}
