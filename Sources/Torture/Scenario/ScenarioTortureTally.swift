import ScenarioExecution

/// Accumulates a torture run's iterations into a ``ScenarioTortureReport``: the outcome
/// histogram, findings by kind and unexpected outcomes, each with its first example.
/// Used by the torture's loop thread only.
struct ScenarioTortureTally {
    let policy: AdmissibleOutcomes
    private var counts: [AdmissibleOutcomes.StepKey: [String: Int]] = [:]
    private var countsAfterFailure: [AdmissibleOutcomes.StepKey: [String: Int]] = [:]
    private(set) var findings: [FindingTally] = []
    private(set) var unexpected: [UnexpectedTally] = []
    private var seenByLabel: Set<String> = []

    init(_ policy: AdmissibleOutcomes) { self.policy = policy }

    /// Adds one iteration; returns whether it failed (a finding, a hang or an unexpected outcome).
    mutating func add(iteration: Int, steps: [StepOutcome], findings found: [FindingRecord]) -> Bool {
        var failed = !found.isEmpty
        for f in found {
            if let i = findings.firstIndex(where: { $0.kind == f.kind.rawValue }) {
                findings[i].count += 1
            } else {
                let site = f.site.isEmpty ? "" : " at \(f.site)"
                findings.append(FindingTally(kind: f.kind.rawValue, count: 1, firstIteration: iteration,
                                             firstExample: "\(f.object): \(f.detail)\(site)"))
            }
        }
        // A program stops at its first error; a scenario's actor goes on, and its later steps
        // then fail for want of what the failed one would have made (EBADF: no open file).
        // Those are counted apart and not judged.
        var failedActors: Set<String> = []
        for o in steps {
            let key = AdmissibleOutcomes.StepKey(actor: o.actor, index: o.index)
            let outcome = o.finished ? (o.errno ?? "OK") : "unfinished"
            let afterFailure = failedActors.contains(o.actor)
            if o.errno != nil { failedActors.insert(o.actor) }
            if let label = o.label, o.finished, !afterFailure { seenByLabel.insert("\(label) → \(outcome)") }
            guard let name = policy.names[key] else { continue }
            if afterFailure {
                countsAfterFailure[key, default: [:]][outcome, default: 0] += 1
                continue
            }
            counts[key, default: [:]][outcome, default: 0] += 1
            // A step a hang stopped is the hang's finding, not a second failure.
            guard o.finished, !policy.admits(actor: o.actor, index: o.index, errno: o.errno) else { continue }
            failed = true
            if let i = unexpected.firstIndex(where: { $0.step == name && $0.errno == outcome }) {
                unexpected[i].count += 1
            } else {
                unexpected.append(UnexpectedTally(step: name, errno: outcome, count: 1, firstIteration: iteration,
                                                  firstMessage: o.message))
            }
        }
        return failed
    }

    /// The histogram, in scenario order.
    var histograms: [StepHistogram] {
        policy.shown.map { key in
            StepHistogram(step: policy.names[key] ?? "", counts: counts[key] ?? [:],
                          afterEarlierFailure: countsAfterFailure[key] ?? [:],
                          admissible: policy.admissible[key].map { $0.sorted() })
        }
    }

    /// `reachable:` entries no iteration showed.
    func reachableNotSeen(_ reachable: [String]) -> [String] {
        reachable.filter { !seenByLabel.contains($0) }
    }

    /// One stat line's tail: each shown step's outcomes, `label: OK=12 ENODEV=3`.
    var outcomeSummary: String {
        histograms.map { h in
            h.step + ": " + h.counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }.joined(separator: "; ")
    }
}
