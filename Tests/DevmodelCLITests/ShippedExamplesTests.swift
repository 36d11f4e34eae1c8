import Foundation
import Testing

/// `explore --shard` and `merge` as processes, and the shipped ways of running shards (the
/// GitHub Actions matrix, the Kubernetes Indexed Job, the README's SLURM array): their
/// commands are run as written — through `/bin/sh` with the variables their runner sets — on a
/// small scenario instead of the canonical one, so that they keep naming flags that exist and
/// their documents keep merging into what one unsharded run reports.
@Suite struct ShippedExamplesTests {
    static let root = CLITests.examples.deletingLastPathComponent()
    /// Small, and failing at bound 3: failures and replay strings are compared too.
    static let small = CLITests.example("crosscheck/gpio-ioctl-expects-ok.yaml")

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shipped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs `command` in `/bin/sh` in `dir` with `environment`; `devmodel` is the built one.
    static func shell(_ command: String, in dir: URL, environment: [String: String]) throws -> (status: Int32, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = try CLITests.executable().deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env.merge(environment) { $1 }
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: e, as: UTF8.self))
    }

    /// The fields a merge must reproduce (not times, rates or shard bookkeeping).
    static func essence(_ path: URL) throws -> [String: String] {
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        var out: [String: String] = [:]
        for key in ["scenarioHash", "strategyField", "executions", "complete", "failingExecutions", "outcomes", "failingOutcomes",
                    "failures", "unreached", "passed"] {
            let value = try #require(doc[key], "\(key) missing in \(path.lastPathComponent)")
            let data = try JSONSerialization.data(withJSONObject: ["v": value], options: [.sortedKeys])
            out[key] = String(decoding: data, as: UTF8.self)
        }
        return out
    }

    /// The unsharded run of `small` at `bound`, as a document in `dir`.
    static func unsharded(bound: String, in dir: URL) throws -> URL {
        let out = dir.appendingPathComponent("full.json")
        let r = try CLITests.run(["explore", small, "--bound", bound, "--json", "-o", out.path, "--progress", "never"])
        #expect(r.status == 1, "the scenario must fail for the comparison to mean anything: \(r.err)")
        return out
    }

    static func mergeAndCompare(_ shards: [URL], bound: String, in dir: URL) throws {
        let merged = dir.appendingPathComponent("merged.json")
        let r = try CLITests.run(["merge"] + shards.map(\.path) + ["-o", merged.path])
        #expect(r.status == 1, "\(r.err)")
        let full = try essence(try unsharded(bound: bound, in: dir))
        #expect(try essence(merged) == full)
        let failures = try #require(full["failures"])
        #expect(failures.contains("dm1:"))
    }

    @Test func fourShardProcessesMergeIntoTheUnshardedRun() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var outputs: [URL] = []
        for i in 1...4 {
            let out = dir.appendingPathComponent("s\(i).json")
            let r = try CLITests.run(["explore", Self.small, "--bound", "2", "--shard", "\(i)/4", "--shard-depth", "3",
                                      "--json", "-o", out.path, "--progress", "never"])
            #expect(r.status <= 1, "\(r.err)")
            outputs.append(out)
        }
        try Self.mergeAndCompare(outputs, bound: "2", in: dir)
        // What merge refuses: a shard twice, a shard missing, another bound.
        #expect(try CLITests.run(["merge", outputs[0].path, outputs[0].path, outputs[2].path, outputs[3].path]).status == 65)
        let missing = try CLITests.run(["merge"] + outputs.dropLast().map(\.path))
        #expect(missing.status == 65 && missing.err.contains("4/4 missing"), "\(missing.err)")
        let other = dir.appendingPathComponent("other.json")
        _ = try CLITests.run(["explore", Self.small, "--bound", "1", "--shard", "4/4", "--shard-depth", "3", "--json", "-o", other.path])
        let mismatch = try CLITests.run(["merge"] + outputs.dropLast().map(\.path) + [other.path])
        #expect(mismatch.status == 65 && mismatch.err.contains("the strategy is pb1"), "\(mismatch.err)")
        let bad = try CLITests.run(["explore", Self.small, "--strategy", "random", "--shard", "1/2"])
        #expect(bad.status == 64, "\(bad.err)")
    }

    @Test func theGitHubActionsMatrixRuns() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent(".github/workflows/explore-shards.yml"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let commands = lines.filter { $0.contains("run: ") }.compactMap { $0.components(separatedBy: "run: ").last }
        let explore = try #require(commands.first { $0.contains("devmodel explore") })
        let merge = try #require(commands.first { $0.contains("devmodel merge") })
        let shards = try #require(lines.first { $0.contains("shard: [") })
        #expect(shards.contains("[1, 2, 3, 4]") && text.contains("SHARDS: \"4\""))
        let bound = try #require(text.firstMatch(of: /BOUND: "(\d+)"/)?.output.1)
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let binary = { (c: String) in c.replacingOccurrences(of: ".build/release/devmodel", with: "devmodel") }
        for i in 1...4 {
            let command = binary(explore).replacingOccurrences(of: "${{ matrix.shard }}", with: "\(i)")
            let r = try Self.shell(command, in: dir, environment: ["SCENARIO": Self.small, "BOUND": String(bound), "SHARDS": "4"])
            #expect(r.status <= 1, "\(command): \(r.err)")
        }
        #expect(try Self.shell(binary(merge), in: dir, environment: [:]).status == 1)
        try Self.mergeAndCompare((1...4).map { dir.appendingPathComponent("explore-\($0).json") }, bound: String(bound), in: dir)
    }

    @Test func theKubernetesIndexedJobRuns() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Deploy/k8s/explore-indexed-job.yaml"), encoding: .utf8)
        #expect(text.contains("completionMode: Indexed") && text.contains("completions: 4"))
        let line = try #require(text.split(separator: "\n").first { $0.contains("- devmodel explore") })
        let command = String(line[try #require(line.range(of: "devmodel explore")).lowerBound...])
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let local = command.replacingOccurrences(of: "Scenarios/canonical-three-actors.yaml", with: Self.small)
            .replacingOccurrences(of: "/results/", with: dir.path + "/")
        for index in 0..<4 {
            let r = try Self.shell(local, in: dir, environment: ["JOB_COMPLETION_INDEX": "\(index)"])
            #expect(r.status == 0, "\(local): \(r.err)")
        }
        let bound = try #require(command.firstMatch(of: /--bound (\d+)/)?.output.1)
        try Self.mergeAndCompare((0..<4).map { dir.appendingPathComponent("explore-\($0).json") }, bound: String(bound), in: dir)
    }

    @Test func theReadmesSlurmArrayRuns() throws {
        let readme = try ReadmeTests.readme
        let line = try #require(readme.split(separator: "\n").first { $0.contains("sbatch --array=1-4 --wrap") })
        let wrapped = try #require(line.firstMatch(of: /--wrap '([^']+)'/)?.output.1)
        let merge = try #require(readme.split(separator: "\n").first { $0.contains("devmodel merge explore-1.json") })
        let bound = try #require(wrapped.firstMatch(of: /--bound (\d+)/)?.output.1)
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let local = wrapped.replacingOccurrences(of: "Scenarios/canonical-three-actors.yaml", with: Self.small)
        for task in 1...4 {
            let r = try Self.shell(local, in: dir, environment: ["SLURM_ARRAY_TASK_ID": "\(task)"])
            #expect(r.status <= 1, "\(local): \(r.err)")
        }
        #expect(try Self.shell(merge.trimmingCharacters(in: .whitespaces), in: dir, environment: [:]).status == 1)
        try Self.mergeAndCompare((1...4).map { dir.appendingPathComponent("explore-\($0).json") }, bound: String(bound), in: dir)
    }
}
