import ArgumentParser
import Foundation
import Logging

/// `-q/--quiet` and `-v/--verbose`, which every subcommand takes (`@OptionGroup var global:
/// GlobalOptions`): they choose what goes to standard error, never what goes to standard
/// output — results are printed whatever the level.
///
/// Levels of the swift-log messages on stderr: warning by default, `-v` info, `-vv` debug,
/// `-vvv` trace; `-q` none, and no progress lines either. Parsing installs the log handler once
/// per process (swift-log's bootstrap may run only once); commands log through ``log``.
struct GlobalOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "Print results only: no progress lines, no log messages.")
    var quiet = false

    @Flag(name: [.short, .long], help: "More log messages on stderr (repeat: -v info, -vv debug, -vvv trace; default: warnings).")
    var verbose: Int

    /// The level the flags ask for; nil for `-q` (nothing is logged).
    var level: Logger.Level? {
        if quiet { return nil }
        switch verbose {
        case 0: return .warning
        case 1: return .info
        case 2: return .debug
        default: return .trace
        }
    }

    func validate() throws {
        if quiet && verbose > 0 { throw ValidationError("-q/--quiet and -v/--verbose cannot be combined") }
        Diagnostics.configure(level: level)
    }
}

/// The process's log destination and its level (set once, by the first parsed command).
enum Diagnostics {
    private static let state = Mutex()

    /// Installs a stderr handler at `level` (nil: every message dropped). Later calls change
    /// only the level: swift-log's bootstrap is once per process.
    static func configure(level: Logger.Level?) {
        state.set(quiet: level == nil, level: level ?? .critical)
    }

    /// True under `-q`: progress lines and other chatter on stderr are off.
    static var quiet: Bool { state.quiet }

    /// The CLI's logger (label `devmodel`), at the level the flags chose.
    static var log: Logger {
        var logger = Logger(label: "devmodel")
        logger.logLevel = state.level
        return logger
    }

    /// Bootstrap guard and the chosen level; a class so the static can be a `let`.
    // Sendable: every field is read and written with `lock` held.
    private final class Mutex: @unchecked Sendable {
        private let lock = NSLock()
        private var bootstrapped = false
        private var current: (quiet: Bool, level: Logger.Level) = (false, .warning)

        func set(quiet: Bool, level: Logger.Level) {
            lock.lock()
            defer { lock.unlock() }
            current = (quiet, level)
            guard !bootstrapped else { return }
            bootstrapped = true
            LoggingSystem.bootstrap { label in
                // A quiet run drops everything; otherwise the handler filters by level.
                Diagnostics.quiet ? SwiftLogNoOpLogHandler() as any LogHandler : StreamLogHandler.standardError(label: label)
            }
        }

        var quiet: Bool { lock.lock(); defer { lock.unlock() }; return current.quiet }
        var level: Logger.Level { lock.lock(); defer { lock.unlock() }; return current.level }
    }
}

/// `--seed`, for the subcommands whose work makes pseudo-random choices (explore's random and
/// PCT strategies, torture's readers and writers, gpio mon's random edge source): the same
/// seed gives the same choices. Commands without such choices do not take it, so a seed is
/// never silently ignored.
struct SeedOption: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: "Seed of the pseudo-random choices; the same seed makes the same choices.")
    var seed: UInt64 = 1
}

/// `--format text|json` for the commands that have only these two (their `--json` flag stays
/// as the same thing): one way to choose a format everywhere.
enum TextOrJSON: String, ExpressibleByArgument, CaseIterable { case text, json }
