import Explorer
import Foundation
import ScenarioModel

/// Corpus entries written as data: `<id>.buggy.yaml` and `<id>.fixed.yaml` in one directory
/// (the repository's `Scenarios/bugs/`), each a `devmodel/scenario@2` file with a `bug:`
/// section (reference, subsystem, classes). Adding one needs no Swift.
///
/// An entry is caught when the explorer, at two preemptions, finds a schedule of the buggy
/// file whose findings include every kind its `expect: finding_kinds:` names, and passes when
/// the fixed file explores with no failing schedule. The kinds are read from the replayed
/// execution's typed findings, never from report text.
public enum CorpusFiles {
    /// Where `devmodel bugs` looks by default (relative to the working directory).
    public static let defaultDirectory = "Scenarios/bugs"

    /// A pair that cannot be an entry: what is wrong, and with which file.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Every pair in `directory`, sorted by id. A missing directory has none; a buggy file
    /// without its fixed one, a file that does not parse, or a pair without `bug:` or
    /// `finding_kinds` is an error naming the file.
    public static func entries(in directory: String) throws(LoadError) -> [BugEntry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let ids = Set(names.compactMap { n -> String? in
            for suffix in [".buggy.yaml", ".fixed.yaml"] where n.hasSuffix(suffix) { return String(n.dropLast(suffix.count)) }
            return nil
        }).sorted()
        var out: [BugEntry] = []
        for id in ids {
            let buggy = try load(directory, id, "buggy")
            let fixed = try load(directory, id, "fixed")
            guard let bug = buggy.bug else {
                throw LoadError(description: "\(directory)/\(id).buggy.yaml: a corpus entry needs a 'bug:' section (reference, subsystem, classes)")
            }
            guard let first = buggy.expect.findingKinds.first else {
                throw LoadError(description: "\(directory)/\(id).buggy.yaml: a corpus entry names what it shows in 'expect: finding_kinds:'")
            }
            let kinds = buggy.expect.findingKinds
            out.append(BugEntry(id: id, reference: bug.reference, subsystem: bug.subsystem, classes: bug.classes,
                                story: buggy.description.trimmingCharacters(in: .whitespacesAndNewlines),
                                tool: "explorer (\(directory)/\(id).*.yaml)", expectedFinding: first,
                                buggy: { verdict(buggy, wanting: kinds) }, fixed: { verdict(fixed, wanting: []) }))
        }
        return out
    }

    private static func load(_ directory: String, _ id: String, _ variant: String) throws(LoadError) -> Scenario {
        let path = "\(directory)/\(id).\(variant).yaml"
        do {
            return try ScenarioFile.load(path)
        } catch {
            throw LoadError(description: error.description)
        }
    }

    /// The explorer's verdict on `scenario` (`ScenarioVerdict.explore`) as a corpus verdict.
    static func verdict(_ scenario: Scenario, wanting kinds: [String]) -> BugVerdict {
        let start = Date()
        let r = ScenarioVerdict.explore(scenario, wanting: kinds)
        var v = BugVerdict(findings: r.kinds,
                           detail: "explorer: \(r.executions) schedules, \(r.failingExecutions) failing"
                               + (r.replay.map { ", replay \($0)" } ?? ""),
                           seconds: Date().timeIntervalSince(start))
        v.preemptions = r.preemptions
        return v
    }
}
