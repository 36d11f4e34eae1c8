import ArgumentParser
import DevmLint
import Foundation
import LintWitness

/// `devmodel lint`: devm-lifetime hazards in kernel C (issues 9 and 18).
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find devm-allocated memory that user space can still reach after unbind, in kernel C.",
        discussion: """
        Reports memory allocated with devm_* (freed at unbind) that embeds or is reached from \
        an object user space can hold after unbind: a struct miscdevice or struct cdev embedded \
        by value, reached by file operations or by the cdev's own release (devm-uaf; classes P1/P2 of Docs/bug-classes.md), a \
        video_device or v4l2_device of a registered video node (devm-v4l2), a tty_port given a \
        tty node (devm-tty-port), a global never \
        cleared (devm-stale-global); and pointers remove() clears that file operations \
        dereference untested (devm-null-after-remove). \
        Diagnostics are compiler-style (file:line:col: error: [devm-uaf] …) with note: lines \
        giving the evidence chain and a suggested fix. Suppress one with a comment on the line: \
        /* devmodel-lint: ignore devm-uaf -- reason */. With --witness DIR each finding's driver is \
        written as a scenario (DIR/NNN-RULE-STRUCT.buggy.yaml and .fixed.yaml, for devmodel explore) \
        and explored: the finding is marked confirmed, with the replay string, or unconfirmed with \
        the reason. Exit status 0 nothing reported, 1 when anything \
        is reported, 64 usage, 66 when a path or --root does not exist (the other paths are still linted), \
        73 when the witness directory cannot be written.
        """)

    @Argument(help: "Files or directories to lint (e.g. a kernel tree's drivers/).")
    var paths: [String]

    @Option(name: .long, help: "Output format: text, json or sarif.")
    var format: String = "text"

    @Option(name: .long, help: "Root of the kernel tree, for include/ resolution (default: guessed from the paths).")
    var root: String?

    @Flag(name: .long, help: "Also list candidates that were ruled out, with the reason.")
    var explain = false

    @Flag(name: .long, help: "Parse every file (no keyword prefilter); slower, same findings on real trees.")
    var parseAll = false

    @Option(name: .long, help: ArgumentHelp("Write each finding's witness (a scenario of its driver, buggy and fixed) to this directory and explore it: the finding is confirmed when a schedule reaches the use-after-free (or NULL dereference) and the fixed variant explores clean.", valueName: "dir"))
    var witness: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard OutputFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be text, json or sarif, not '\(format)'")
        }
        // Missing paths are not rejected here: the linter reports them, lints the rest and
        // exits 66, so one stale path in a CI list does not hide the others' findings.
    }

    func run() throws {
        // A missing input is 66 for every command (sysexits' EX_NOINPUT); the linter says so
        // for each missing path and still lints the rest.
        let output = OutputFormat(rawValue: format) ?? .text
        var options = LintOptions(treeRoot: root, explain: explain)
        options.parseAll = parseAll
        options.freesMemory = false  // one lint per process: exit reclaims it
        var report = Linter(options).lint(paths: paths)
        if let witness {
            do throws(LintWitnesses.DirectoryError) {
                report = try LintWitnesses.confirm(report, writingTo: witness)
            } catch {
                FileHandle.standardError.write(Data("devmodel: lint: \(error.description)\n".utf8))
                throw ExitCode(73)  // EX_CANTCREAT (sysexits.h)
            }
        }
        // Findings on stdout; what went wrong with the inputs and the summary on stderr.
        if output == .text { print(Renderer.findingsText(report), terminator: "") } else { print(Renderer.render(report, as: output)) }
        // -q: nothing but findings (problems with the inputs still said, on stderr).
        let diagnostics = report.diagnostics.map { "devmodel: lint: \($0)\n" }.joined()
        let summary = global.quiet ? "" : Renderer.summary(report) + "\n"
        FileHandle.standardError.write(Data((diagnostics + summary).utf8))
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
