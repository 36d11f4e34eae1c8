import Explorer
import ExplorerEngine
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

    /// Explores `scenario` at two preemptions up to the first failing schedule that shows
    /// every wanted kind (or, wanting none, up to the first failure), and returns the typed
    /// finding kinds of that schedule.
    static func verdict(_ scenario: Scenario, wanting kinds: [String]) -> BugVerdict {
        let start = Date()
        var explorer = Explorer(scenario: scenario)
        explorer.stopAtFirstFailure = kinds.isEmpty
        let r = explorer.explore(strategy: .preemptionBounded(maxPreemptions: 2))
        var best: (kinds: [String], failure: ExplorationFailure)?
        for failure in r.failures {
            guard let trace = (try? explorer.replay(failure.replay, tracing: true))?.scenarioTrace else {
                best = best ?? (["failed-expectation"], failure)
                continue
            }
            // A failing schedule without a finding failed an expectation (or its setup): it
            // counts, so a fixed file that fails that way is not clean.
            let found = trace.run.findings.isEmpty ? ["failed-expectation"] : Set(trace.run.findings.map(\.kind.rawValue)).sorted()
            if best == nil || Set(kinds).isSubset(of: found) { best = (found, failure) }
            if Set(kinds).isSubset(of: found) { break }
        }
        var v = BugVerdict(findings: best?.kinds ?? [],
                           detail: "explorer: \(r.executions) schedules, \(r.failingExecutions) failing"
                               + (best.map { ", replay \($0.failure.replay)" } ?? ""),
                           seconds: Date().timeIntervalSince(start))
        v.preemptions = best?.failure.preemptions
        return v
    }
}
