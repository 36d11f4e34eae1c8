// devmodel-bench [SUITE...] [--json]
// Runs the named suites (all when none is named) and prints their figures and ratios, all
// measured in this one run. Suites register in `suites`; other modules add theirs here.
#if canImport(Glibc)
import Glibc
#endif

let suites: [(name: String, run: () -> BenchReport)] = [
    ("core", CoreBench.run),
    ("revocable", RevocableBench.run),
    ("chardev", CharDevBench.run),
    ("sanitizer", SanitizerBench.run),
    ("explorer", ExplorerBench.run),
    ("explorer-reduction", ExplorerBench.reduction),
    ("explorer-direct", ExplorerBench.direct),
    ("described", DescribedBench.run),
    ("drm", DrmBench.run),
    ("profile-devres", CoreBench.profileDevres),
]

let arguments = CommandLine.arguments.dropFirst()
let json = arguments.contains("--json")
let wanted = arguments.filter { !$0.hasPrefix("--") }
let unknown = wanted.filter { name in !suites.contains { $0.name == name } }
if !unknown.isEmpty {
    print("unknown suite(s): \(unknown.joined(separator: ", ")); available: \(suites.map(\.name).joined(separator: ", "))")
    exit(2)
}
let selected = wanted.isEmpty ? suites.filter { !$0.name.hasPrefix("profile-") } : suites.filter { wanted.contains($0.name) }
let reports = selected.map { $0.run() }
if json {
    print("[" + reports.map { $0.json() }.joined(separator: ",\n") + "]")
} else {
    for report in reports { report.printText() }
}
