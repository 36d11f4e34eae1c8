import ArgumentParser
import DevmLint
import Foundation

/// `devmodel lint`: devm-lifetime hazards in kernel C (issue 9).
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find devm-allocated memory that user space can still reach after unbind, in kernel C.",
        discussion: """
        Reports memory allocated with devm_* (freed at unbind) that embeds or is reached from \
        an object user space can hold after unbind: a struct miscdevice or struct cdev embedded \
        by value, reached by file operations or by the cdev's own release (classes P1/P2 of Docs/bug-classes.md). \
        Diagnostics are compiler-style (file:line:col: warning: [devm-uaf] …) with note: lines \
        giving the evidence chain and a suggested fix. Suppress one with a comment on the line: \
        /* devmodel-lint: ignore devm-uaf -- reason */. Exit status 0 nothing reported, 1 when anything \
        is reported, 64 usage, 66 missing input.
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
    }

    func run() throws {
        // A missing input is 66 for every command (sysexits' EX_NOINPUT), not a usage error.
        let missing = paths.filter { !FileManager.default.fileExists(atPath: $0) }
        if !missing.isEmpty {
            for path in missing { FileHandle.standardError.write(Data("devmodel: \(path): no such file or directory\n".utf8)) }
            throw ExitCode(66)
        }
        let output = OutputFormat(rawValue: format) ?? .text
        var options = LintOptions(treeRoot: root, explain: explain)
        options.parseAll = parseAll
        let report = Linter(options).lint(paths: paths)
        print(Renderer.render(report, as: output), terminator: output == .text ? "" : "\n")
        if output != .text { FileHandle.standardError.write(Data((Renderer.summary(report) + "\n").utf8)) }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
