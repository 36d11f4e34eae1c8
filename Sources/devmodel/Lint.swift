import ArgumentParser
import DevmLint
import Foundation

/// `devmodel lint`: devm-lifetime hazards in kernel C (issues 9 and 18).
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find devm-allocated memory that user space can still reach after unbind, in kernel C.",
        discussion: """
        Reports memory allocated with devm_* (freed at unbind) that embeds or is reached from \
        an object user space can hold after unbind: a struct miscdevice or struct cdev embedded \
        by value, reached by file operations or by the cdev's own release (devm-uaf; classes P1/P2 of Docs/bug-classes.md), a \
        video_device or v4l2_device of a registered video node (devm-v4l2), a global never \
        cleared (devm-stale-global); and pointers remove() clears that file operations \
        dereference untested (devm-null-after-remove). \
        Diagnostics are compiler-style (file:line:col: error: [devm-uaf] …) with note: lines \
        giving the evidence chain and a suggested fix. Suppress one with a comment on the line: \
        /* devmodel-lint: ignore devm-uaf -- reason */. Exit status 0 nothing reported, 1 when anything \
        is reported, 64 usage, 66 when a path or --root does not exist (the other paths are still linted).
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
        let report = Linter(options).lint(paths: paths)
        // Findings on stdout; what went wrong with the inputs and the summary on stderr.
        if output == .text { print(Renderer.findingsText(report), terminator: "") } else { print(Renderer.render(report, as: output)) }
        // -q: nothing but findings (problems with the inputs still said, on stderr).
        let diagnostics = report.diagnostics.map { "devmodel: lint: \($0)\n" }.joined()
        let summary = global.quiet ? "" : Renderer.summary(report) + "\n"
        FileHandle.standardError.write(Data((diagnostics + summary).utf8))
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
