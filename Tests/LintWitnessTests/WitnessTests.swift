import DevmLint
import Foundation
@testable import LintWitness
import Testing

/// DevmLintTests' fixture trees, read in place.
private func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DevmLintTests/Fixtures/\(name)").path
}

private func lint(_ name: String) -> LintReport {
    Linter(LintOptions(treeRoot: fixture(name), workers: 2)).lint(paths: [fixture(name) + "/drivers"])
}

private func scratch(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lint-witness-\(name)-\(UUID().uuidString)").path
    return dir
}

@Suite("lint witnesses")
struct WitnessTests {
    /// One fixture per route of the analysis: embedded miscdevice and cdev, a nested cdev, a
    /// stale global (embedded and static miscdevice), a global cleared without the fops' lock,
    /// NULL after remove (global and drvdata), the V4L2 class, the module-unload route
    /// (bind attributes suppressed, fops without `.owner`), and tty ports (registered, linked
    /// by `tty_port_install()` or a `tty->port` assignment, registered through a wrapper).
    static let confirmedFixtures = ["misc_basic", "cdev_plain", "nested", "global_stale", "static_misc_stale",
                                    "static_misc_unlocked", "null_global", "null_drvdata", "v4l2_embedded", "v4l2_usb",
                                    "suppress_noowner", "v4l2_suppress_noowner", "tty_port_embedded", "tty_port_install", "tty_port_assign",
                                    "tty_port_wrapper"]

    @Test(arguments: confirmedFixtures)
    func everyFindingOfTheFixtureIsConfirmed(_ name: String) throws {
        let dir = scratch(name)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try LintWitnesses.confirm(lint(name), writingTo: dir)
        #expect(!report.findings.isEmpty)
        for f in report.findings {
            let w = try #require(f.witness)
            #expect(w.status == .confirmed, "\(name): \(w.reason)")
            #expect(w.replay?.hasPrefix("dm1:") == true)
            #expect(w.fixedClean == true)
            // After rmmod the fops are freed module text: that use after free comes first.
            let wanted = f.rule == .devmNullAfterRemove ? "null-pointer-dereference"
                : f.evidence?.unbind == .moduleUnload ? "use-after-free" : "use-after-unbind"
            #expect(w.kinds.contains(wanted))
            for file in [w.buggyFile, w.fixedFile] {
                #expect(FileManager.default.fileExists(atPath: try #require(file)))
            }
        }
    }

    @Test func aWitnessWhoseBuggyFileIsTheFixOneIsNotConfirmed() throws {
        let dir = scratch("negative")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var plan = try #require(try lint("misc_basic").findings.first?.witnessPlan().get())
        plan.buggy = plan.fixed.replacingOccurrences(of: "findings: 0", with: "finding_kinds: [use-after-unbind]")
        let (b, f) = (dir + "/b.yaml", dir + "/f.yaml")
        try plan.buggy.write(toFile: b, atomically: true, encoding: .utf8)
        try plan.fixed.write(toFile: f, atomically: true, encoding: .utf8)
        let w = LintWitnesses.judge(plan, buggyFile: b, fixedFile: f)
        #expect(w.status == .unconfirmed)
        #expect(w.reason.contains("no schedule of the buggy witness reaches the use-after-unbind"))
        #expect(w.replay == nil)
    }

    @Test func aFindingWithoutEvidenceIsUnconfirmedWithTheReason() throws {
        let dir = scratch("suppression")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try LintWitnesses.confirm(lint("suppressed_noreason"), writingTo: dir)
        let bad = try #require(report.findings.first { $0.rule == .badSuppression })
        #expect(bad.witness?.status == .unconfirmed)
        #expect(bad.witness?.reason.hasPrefix("no witness:") == true)
    }

    /// `struct chan_dev { struct { struct chan_port ports[4]; } hw; }`: each level a type of
    /// its own (the anonymous one named after its member), container_of level by level.
    @Test func aNestedObjectKeepsItsLevels() throws {
        let plan = try #require(try lint("nested").findings.first?.witnessPlan().get())
        #expect(plan.buggy.contains("hw: {embedded: chan_dev_hw}"))
        #expect(plan.buggy.contains("ports: {embedded: chan_port}"))
        #expect(plan.buggy.contains("cdev_add: {cdev: priv.hw.ports.cdev"))
        #expect(plan.buggy.contains("{container_of: {from: level1, type: chan_dev}, as: priv}"))
    }

    @Test func theWitnessNamesTheDriversOwnStructFopsAndRegistration() throws {
        let f = try #require(lint("static_misc_unlocked").findings.first)
        let plan = try f.witnessPlan().get()
        #expect(plan.buggy.contains("panel_fops:"))
        #expect(plan.buggy.contains("misc_register: {misc: \"@panel_misc\""))
        #expect(plan.buggy.contains("{read: \"@panel_dev\", as: priv}"))
        // The driver's own lock: the fop takes panel_lock and tests the pointer; the fix
        // clears it under that lock too.
        #expect(plan.buggy.contains("guard: \"@panel_lock\"") && plan.buggy.contains("{check: priv, errno: ENODEV}"))
        #expect(plan.buggy.components(separatedBy: "guard: \"@panel_lock\"").count == 2)
        #expect(plan.fixed.components(separatedBy: "guard: \"@panel_lock\"").count == 3)
        #expect(plan.threads.map(\.actor) == ["user", "admin"])
    }
}

@Suite("SARIF code flows")
struct SarifCodeFlowTests {
    @Test func theWitnessIsOneThreadFlowPerActorWithRelativeLocations() throws {
        let dir = scratch("sarif")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try LintWitnesses.confirm(lint("misc_basic"), writingTo: dir)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(Renderer.sarif(report).utf8)) as? [String: Any])
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let result = try #require((run["results"] as? [[String: Any]])?.first)
        let flow = try #require((result["codeFlows"] as? [[String: Any]])?.first)
        let threads = try #require(flow["threadFlows"] as? [[String: Any]])
        #expect(threads.compactMap { $0["id"] as? String } == ["user", "admin"])
        for t in threads {
            let locations = try #require(t["locations"] as? [[String: Any]])
            #expect(!locations.isEmpty)
            for l in locations {
                let loc = try #require(l["location"] as? [String: Any])
                #expect((loc["message"] as? [String: Any])?["text"] is String)
                guard let phys = loc["physicalLocation"] as? [String: Any] else { continue }
                let artifact = try #require(phys["artifactLocation"] as? [String: Any])
                #expect(artifact["uriBaseId"] as? String == Renderer.baseId)
                #expect((artifact["uri"] as? String)?.hasPrefix("drivers/widget/") == true)
            }
        }
        let witness = try #require((result["properties"] as? [String: Any])?["witness"] as? [String: Any])
        #expect(witness["status"] as? String == "confirmed")
        #expect((witness["replay"] as? String)?.hasPrefix("dm1:") == true)
    }

    @Test func withoutWitnessExplorationTheFlowsComeFromThePlan() throws {
        let sarif = Renderer.sarif(lint("cdev_plain"))
        #expect(sarif.contains("\"threadFlows\""))
        #expect(!sarif.contains("\"properties\""))
    }
}
