// Standalone runner for the corpus script; `devmodel lint` is the user-facing command.
import DevmLint
import Foundation

var format = OutputFormat.text
var root: String?
var explain = false
var parseAll = false
var paths: [String] = []
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--format":
        guard let v = args.popFirst(), let f = OutputFormat(rawValue: v) else {
            FileHandle.standardError.write(Data("--format needs text, json or sarif\n".utf8)); exit(2)
        }
        format = f
    case "--root":
        guard let v = args.popFirst() else { FileHandle.standardError.write(Data("--root needs a directory\n".utf8)); exit(2) }
        root = v
    case "--explain": explain = true
    case "--parse-all": parseAll = true
    case "-h", "--help":
        print("usage: devmodel-lint [--format text|json|sarif] [--root KERNEL_TREE] [--explain] [--parse-all] PATH..."); exit(0)
    default: paths.append(a)
    }
}
guard !paths.isEmpty else { FileHandle.standardError.write(Data("usage: devmodel-lint [--format text|json|sarif] [--root DIR] PATH...\n".utf8)); exit(2) }
var options = LintOptions(treeRoot: root, explain: explain)
options.parseAll = parseAll
options.freesMemory = false  // the process exits right after
let report = Linter(options).lint(paths: paths)
print(Renderer.render(report, as: format), terminator: format == .text ? "" : "\n")
if format != .text { FileHandle.standardError.write(Data((Renderer.summary(report) + "\n").utf8)) }
exit(report.exitCode)
