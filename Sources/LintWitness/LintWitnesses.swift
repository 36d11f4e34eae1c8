import DevmLint
import Explorer
import Foundation
import ScenarioModel

/// `devmodel lint --witness DIR`: per finding, the witness scenario (`WitnessPlan`, built by
/// the lint from its typed evidence) written to DIR as `NNN-RULE-STRUCT.buggy.yaml` and
/// `.fixed.yaml`, read back through the scenario reader, and explored by the explorer.
///
/// A finding is *confirmed* when a schedule of the buggy file shows the finding kind the rule
/// predicts (use-after-unbind, or null-pointer-dereference for devm-null-after-remove) and
/// the fixed file explores with no failing schedule; anything else is *unconfirmed*, with the
/// reason. The verdict is `ScenarioVerdict.explore`, the bug corpus's own.
///
/// Cost: two preemption-bounded explorations (bound 2) per finding, one after the other;
/// a few milliseconds to a second each for these small drivers. Not thread-safe to call on
/// one directory from two threads (the files are overwritten).
public enum LintWitnesses {
    /// Why the witness directory cannot be used.
    public struct DirectoryError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The report with every finding's `Finding.witness` set. Throws only when `directory`
    /// cannot be created or written; a finding whose witness cannot be built, parsed or
    /// confirmed gets an unconfirmed outcome saying why.
    public static func confirm(_ report: LintReport, writingTo directory: String) throws(DirectoryError) -> LintReport {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DirectoryError(description: "\(directory): cannot create the witness directory (\(error.localizedDescription))")
        }
        var out = report
        for i in out.findings.indices {
            out.findings[i].witness = try confirm(out.findings[i], number: i + 1, in: directory)
        }
        return out
    }

    /// One finding's witness: written as file `number` of `directory`, then explored.
    public static func confirm(_ finding: Finding, number: Int, in directory: String) throws(DirectoryError) -> WitnessOutcome {
        let plan: WitnessPlan
        switch finding.witnessPlan() {
        case .success(let p): plan = p
        case .failure(let why): return WitnessOutcome(status: .unconfirmed, reason: "no witness: \(why.reason)")
        }
        let stem = (directory.hasSuffix("/") ? directory : directory + "/") + String(format: "%03d-", number) + plan.name
        let (buggyFile, fixedFile) = (stem + ".buggy.yaml", stem + ".fixed.yaml")
        for (file, text) in [(buggyFile, plan.buggy), (fixedFile, plan.fixed)] {
            guard FileManager.default.createFile(atPath: file, contents: Data(text.utf8)) else {
                throw DirectoryError(description: "\(file): cannot be written")
            }
        }
        var outcome = judge(plan, buggyFile: buggyFile, fixedFile: fixedFile)
        (outcome.buggyFile, outcome.fixedFile, outcome.threads) = (buggyFile, fixedFile, plan.threads)
        return outcome
    }

    /// Reads both files back and explores them.
    static func judge(_ plan: WitnessPlan, buggyFile: String, fixedFile: String) -> WitnessOutcome {
        let buggy: Scenario, fixed: Scenario
        do throws(ScenarioFile.LoadError) {
            buggy = try ScenarioFile.load(buggyFile)
            fixed = try ScenarioFile.load(fixedFile)
        } catch {
            return WitnessOutcome(status: .unconfirmed, reason: "the witness does not parse (a bug of the generator): \(error.description)")
        }
        let b = ScenarioVerdict.explore(buggy, wanting: plan.wanted)
        let f = ScenarioVerdict.explore(fixed, wanting: [])
        var o: WitnessOutcome
        let wanted = plan.wanted.joined(separator: ", ")
        if !b.shows(plan.wanted) {
            o = WitnessOutcome(status: .unconfirmed, reason: b.replay == nil
                ? "no schedule of the buggy witness reaches the \(wanted) (\(b.executions) schedules at two preemptions)"
                : "the buggy witness fails with \(b.kinds.joined(separator: ", ")), not \(wanted)")
        } else if !f.isClean {
            o = WitnessOutcome(status: .unconfirmed,
                               reason: "the fixed variant fails too (\(f.kinds.joined(separator: ", ")), replay \(f.replay ?? "?"))")
        } else {
            o = WitnessOutcome(status: .confirmed,
                               reason: "a schedule reaches the \(wanted) (\(b.failingExecutions) of \(b.executions) schedules); the fixed variant explores clean (\(f.executions) schedules)")
        }
        (o.replay, o.kinds, o.fixedClean) = (b.replay, b.kinds, f.isClean)
        return o
    }
}
