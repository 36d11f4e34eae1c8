/// SARIF 2.1.0 `codeFlows` for a finding's witness: one `threadFlow` per actor of the witness
/// scenario (the user's program, the administrator who unbinds), each location a C line the
/// step runs, relative to the run's `uriBaseId` like every other location of the log. The
/// witness's verdict, when `--witness` explored it, goes in the result's `properties`.
extension Renderer {
    struct CodeFlow: Encodable { var message: Message; var threadFlows: [ThreadFlow] }
    struct ThreadFlow: Encodable { var id: String; var message: Message; var locations: [ThreadFlowLocation] }
    struct ThreadFlowLocation: Encodable { var location: Location }
    struct Properties: Encodable {
        var witness: WitnessOutcome
        /// The verdict without its threads: those are the result's `codeFlows` already.
        init(_ w: WitnessOutcome) { witness = w; witness.threads = [] }
    }

    /// The witness's thread flows: the explored ones when `--witness` ran, else the plan's
    /// (the same threads); nil when the finding has no witness.
    static func codeFlows(_ f: Finding, _ phys: (SourceLocation) -> Physical) -> [CodeFlow]? {
        let threads = f.witness.map(\.threads).flatMap { $0.isEmpty ? nil : $0 } ?? (try? f.witnessPlan().get())?.threads
        guard let threads else { return nil }
        let status = f.witness.map { " (\($0.status.rawValue): \($0.reason))" } ?? ""
        let flows = threads.map { t in
            ThreadFlow(id: t.actor, message: Message(text: t.actor),
                       locations: t.steps.map { s in
                           ThreadFlowLocation(location: Location(id: nil, physicalLocation: s.location.map(phys), message: Message(text: s.text)))
                       })
        }
        return [CodeFlow(message: Message(text: "witness schedule" + status), threadFlows: flows)]
    }

    /// The `note: witness:` line of the text output.
    static func witnessText(_ f: Finding) -> String {
        guard let w = f.witness else { return "" }
        let at = "\(f.location.file):\(f.location.line):\(f.location.column)"
        var s = "\(at): note: witness \(w.status.rawValue): \(w.reason)\n"
        if let b = w.buggyFile { s += "\(at): note: witness: devmodel explore \(b)\(w.replay.map { " --replay \($0)" } ?? "")\n" }
        return s
    }
}
