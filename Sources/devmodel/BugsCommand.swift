import ArgumentParser
import BugCorpus
import Foundation

/// Where the corpus's file entries are.
struct CorpusOptions: ParsableArguments {
    @Option(name: .long, help: "The directory of the file entries (<id>.buggy.yaml, <id>.fixed.yaml).")
    var dir: String = CorpusFiles.defaultDirectory

    /// The Swift entries, then the file entries of `dir` (none when it does not exist).
    func entries() throws -> [BugEntry] {
        do {
            return Corpus.entries + (try CorpusFiles.entries(in: dir))
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// `devmodel bugs list|show|run`: the real-bug corpus.
struct BugsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bugs",
        abstract: "Real kernel lifetime bugs, each as the buggy pattern and the fixed design.",
        subcommands: [List.self, Show.self, RunBugs.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the entries, and the kernel fixes not written as entries yet (classes: Docs/bug-classes.md).")
        @OptionGroup var corpus: CorpusOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            for e in try corpus.entries() {
                print("\(e.id.padding(toLength: max(26, e.id.count + 1), withPad: " ", startingAt: 0)) \(e.classes.joined(separator: ",").padding(toLength: 8, withPad: " ", startingAt: 0)) \(e.reference) — \(e.subsystem)")
            }
            for p in Corpus.pending { print("(not yet) \(p.id): \(p.why)") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one entry: reference, classes, story, tool, expected finding.")
        @Argument(help: "An entry id (see 'bugs list').")
        var id: String
        @OptionGroup var corpus: CorpusOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            // A pending row may name several commits ("49d200deaa68, 9fd4dcece43a") or a
            // commit and a word ("8ee3fde047 revert"): any of its commits finds it.
            let names = { (row: String) in
                [row] + row.split(separator: ",").compactMap { $0.split(separator: " ").first.map(String.init) }
            }
            if let p = Corpus.pending.first(where: { names($0.id).contains(id) }) {
                print("\(p.id): not written yet — \(p.why)")
                return
            }
            guard let e = try corpus.entries().first(where: { $0.id == id }) else {
                throw ValidationError("no entry '\(id)'; see 'devmodel bugs list'")
            }
            print("\(e.id) (\(e.reference)) — \(e.subsystem), classes \(e.classes.joined(separator: ", "))")
            print("")
            print(e.story)
            print("")
            print("found by: \(e.tool); the buggy variant must raise '\(e.expectedFinding)', the fixed one nothing")
            if let why = Corpus.whyNotAFile[e.id] { print("written in Swift, not as a scenario file, because: \(why)") }
        }
    }

    struct RunBugs: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Run entries (all with --all) and print the table.")
        @Argument(help: "Entry ids.")
        var ids: [String] = []
        @Flag(name: .long, help: "Every entry.")
        var all = false
        @Flag(name: .long, help: "One JSON document (schema devmodel/bugs@1: {schema, runs}). Same as --format json.")
        var json = false

        @Option(name: .long, help: "Output format: text or json (as for the other commands).")
        var format: TextOrJSON = .text

        @OptionGroup var corpus: CorpusOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let entries = try corpus.entries()
            let unknown = ids.filter { id in !entries.contains { $0.id == id } }
            guard unknown.isEmpty else {
                throw ValidationError("no entry \(unknown.map { "'\($0)'" }.joined(separator: ", ")); see 'devmodel bugs list'")
            }
            let selected = all || ids.isEmpty ? entries : entries.filter { ids.contains($0.id) }
            let runs = selected.map { $0.run() }
            if json || format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                // One object with a schema, like the CLI's other JSON documents.
                struct Document: Encodable { var schema = "devmodel/bugs@1"; let runs: [BugRun] }
                print(String(decoding: try encoder.encode(Document(runs: runs)), as: UTF8.self))
            } else {
                print("| bug | class | found | by | preemptions | buggy: findings | fixed: findings | time |")
                print("|---|---|---|---|---|---|---|---|")
                for (e, r) in zip(selected, runs) {
                    let time = String(format: "%.2f s", r.buggy.seconds + r.fixed.seconds)
                    print("| \(e.id) (\(e.reference)) | \(e.classes.joined(separator: ",")) | \(r.caught ? "yes" : "NO") | \(e.tool) | \(r.buggy.preemptions.map(String.init) ?? "–") | \(r.buggy.findings.joined(separator: ", ")) | \(r.fixed.findings.isEmpty ? "0" : r.fixed.findings.joined(separator: ", ")) | \(time) |")
                }
                print("\(runs.count { $0.passed }) passed, \(runs.count { !$0.passed }) failed")
            }
            if runs.contains(where: { !$0.passed }) { throw ExitCode(1) }
        }
    }
}
