import ArgumentParser
import ExplorerEngine
import Foundation
import Instrumentation
import ScenarioExecution
import ScenarioModel
import ScenarioReports
import Synchronization

/// `--shard i/n`: a deterministic slice of a job list, for CI matrices and job arrays.
struct Shard: ExpressibleByArgument, Sendable {
    let index: Int
    let count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else { return nil }
        index = i - 1
        count = n
    }

    func contains(_ job: Int) -> Bool { job % count == index }
}

/// Where reports go: standard output, or a file (`-o`).
enum Output {
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            print(text, terminator: "")
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            ScenarioFiles.printError("devmodel: cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(73)
        }
    }
}

enum ProgressMode: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

/// One progress line on stderr: redrawn in place on a terminal (done/total, failures,
/// findings, rate, ETA), or a plain status line every 10 s when stderr is not a terminal.
/// Calls must not overlap (the explorer serialises its progress callbacks).
// Sendable: the explorer serialises its progress callbacks, so the counters are never updated concurrently.
final class ProgressMeter: @unchecked Sendable {
    let total: Int
    let redraw: Bool
    let enabled: Bool
    let start = Date()
    var done = 0
    var failures = 0
    var findings = 0
    var lastPlain = Date()

    init(total: Int, mode: ProgressMode) {
        self.total = total
        let tty = isatty(STDERR_FILENO) != 0
        redraw = tty
        // -q means results only: no progress even when asked for with --progress always.
        enabled = !Diagnostics.quiet && (mode == .always || (mode == .auto && total > 1))
    }

    func step(findings f: Int, failed: Bool) {
        done += 1
        findings += f
        if failed { failures += 1 }
        let now = Date()
        show(line(now), now: now, last: done == total)
    }

    /// Shows `text` as the progress line: redrawn on a terminal, else every 10 s (and `last`).
    func show(_ text: String, now: Date = Date(), last: Bool = false) {
        guard enabled else { return }
        if redraw {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        } else if now.timeIntervalSince(lastPlain) >= 10 || last {
            lastPlain = now
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    func finish() {
        if enabled && redraw { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    func line(_ now: Date) -> String {
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        return String(format: "[%d/%d] %d failed, %d findings, %.1f/s, ETA %.0fs", done, total, failures, findings, rate, eta)
    }
}

/// `devmodel merge RESULT.json…`: joins the --json results of several shards into one document.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the JSON results of several 'run --json' or 'explore --shard i/n --json' invocations into one document.",
        discussion: """
        Run results (devmodel/runs@1) are concatenated. Explore shards (devmodel/explore@1) \
        must be every shard of one exploration — the same scenario content, strategy, bound, \
        options, shard count and --shard-depth — and are joined into the document one \
        unsharded run writes: counts and outcomes summed, of each distinct failure the first \
        schedule in a fixed order, so the same replay strings. \
        Exit status: 0 every run passed, 1 failures, 3 a shard's search stopped at its cap, 65 \
        an input is not a result document, repeats another input (the same shard twice), or \
        does not fit the others (another scenario, bound or shard count; a shard missing), 66 \
        missing input, 73 the -o file cannot be written.
        """)

    @Argument(help: "JSON result files (schema devmodel/runs@1, or devmodel/explore@1 shards).")
    var files: [String]

    @Option(name: [.short, .long], help: "Write the merged document to this file.")
    var output: String?

    struct Document: Codable {
        var schema: String
        var passed: Int
        var failed: Int
        var runs: [RunResult]
    }

    @OptionGroup var global: GlobalOptions

    func run() throws {
        var inputs: [(name: String, data: Data)] = []
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                ScenarioFiles.printError("devmodel: \(path): no such file")
                throw ExitCode(66)
            }
            inputs.append((path, data))
        }
        if let first = inputs.first, Self.schema(of: first.data) == "devmodel/explore@1" { return try mergeExplorations(inputs) }
        var runs: [RunResult] = []
        // The same shard twice would count its runs twice: refuse it, by path and by content.
        var seen: [Data: String] = [:]
        for (path, data) in inputs {
            if let first = seen[data] {
                ScenarioFiles.printError("devmodel: \(path): the same result as \(first); a shard given twice would count its runs twice")
                throw ExitCode(65)
            }
            seen[data] = path
            guard let doc = try? JSONDecoder().decode(Document.self, from: data), doc.schema == "devmodel/runs@1" else {
                ScenarioFiles.printError("devmodel: \(path): not a devmodel/runs@1 document")
                throw ExitCode(65)
            }
            runs += doc.runs
        }
        let text = try ReportJSON.render(runs) + "\n"
        try Output.write(text, to: output)
        if runs.contains(where: { !$0.ok }) { throw ExitCode(ScenarioExit.failures) }
    }

    private static func schema(of data: Data) -> String? {
        ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["schema"] as? String
    }

    /// Every shard of one exploration, joined (``ExplorationReport/merge(_:)``).
    private func mergeExplorations(_ inputs: [(name: String, data: Data)]) throws {
        let merged: ExplorationReport.Merged
        do {
            merged = try ExplorationReport.merge(inputs)
        } catch {
            ScenarioFiles.printError("devmodel: \(error)")
            throw ExitCode(65)
        }
        try Output.write(merged.json, to: output)
        if !merged.passed { throw ExitCode(ScenarioExit.failures) }
        if !merged.complete { throw ExitCode(ExploreExit.capReached) }
    }
}

/// `--color auto|always|never`: auto colours only a terminal, and NO_COLOR / FORCE_COLOR
/// (no-color.org, force-color.org) override it.
enum ColorMode: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    var enabled: Bool {
        let env = ProcessInfo.processInfo.environment
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let v = env["NO_COLOR"], !v.isEmpty { return false }
            if let v = env["FORCE_COLOR"], !v.isEmpty, v != "0" { return true }
            return isatty(STDOUT_FILENO) != 0
        }
    }

    /// Colours the verdict words of a text report: PASS/ok green, FAIL/not ok red.
    func paint(_ text: String) -> String {
        guard enabled else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("  PASS ") { return "  \u{1B}[32mPASS\u{1B}[0m " + line.dropFirst(7) }
            if line.hasPrefix("  FAIL ") { return "  \u{1B}[31mFAIL\u{1B}[0m " + line.dropFirst(7) }
            return String(line)
        }.joined(separator: "\n")
    }
}

/// Ctrl-C during a long run: the first SIGINT only sets a flag (the running job finishes and
/// the partial summary is printed); a second one ends the process at once.
///
/// The handler is a plain `sigaction` handler, installed before `install()` returns: a
/// SIGINT that arrives after that is never lost (a dispatch signal source registers later, on
/// its own queue, and a signal in between was ignored), and SIGINT is unblocked on the calling
/// thread, which runs the jobs. The handler does only async-signal-safe work:
/// an atomic add, `write(2)` of a static message, `_exit`.
struct Interrupt: Sendable {
    var fired: Bool { interruptCount.load(ordering: .relaxed) > 0 }

    static func install() -> Interrupt {
        _ = interruptCount.load(ordering: .relaxed)  // initialise the global outside the handler
        signal(SIGINT) { _ in
            if interruptCount.add(1, ordering: .relaxed).newValue > 1 { _exit(130) }
            let message: StaticString = "\ndevmodel: interrupted; finishing the running job (Ctrl-C again to stop now)\n"
            _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
        }
        // A parent may have started us with SIGINT blocked (a test runner spawning from a
        // dispatch thread does): unblock it on this thread, which runs the jobs.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        return Interrupt()
    }
}

/// SIGINTs received (see ``Interrupt``).
private let interruptCount = Atomic<Int>(0)
