import Foundation
import Synchronization

/// Options of a lint run.
public struct LintOptions: Sendable {
    /// Root of the kernel tree (for `include/` resolution). When nil, the nearest ancestor
    /// of the first path holding an `include/linux` directory is used, if any.
    public var treeRoot: String?
    /// Parallel workers; defaults to the number of active processors.
    public var workers: Int
    /// Also list, as diagnostics, the candidates that were ruled out and why (for review).
    public var explain: Bool
    /// Parse every file, not only the prefiltered ones (robustness runs; same findings, slower).
    public var parseAll = false
    /// When false, the parsed files are left for the process's exit to reclaim instead of
    /// being freed one by one when `lint` returns (millions of small objects: a tenth of a
    /// second on drivers/). For one-shot command-line runs; a long-lived caller keeps true.
    public var freesMemory = true
    public init(treeRoot: String? = nil, workers: Int = ProcessInfo.processInfo.activeProcessorCount, explain: Bool = false) {
        self.treeRoot = treeRoot; self.workers = max(1, workers); self.explain = explain
    }
}

/// The devm-lifetime lint.
///
/// ```swift
/// let report = Linter(LintOptions(treeRoot: "/src/linux")).lint(paths: ["/src/linux/drivers"])
/// print(Renderer.render(report, as: .text))   // or .json, .sarif
/// exit(report.exitCode)                       // 1 when anything is reported
/// ```
///
/// Guarantee: never traps on malformed input; unreadable files become diagnostics.
/// Findings are sorted by file, line and column, so output is deterministic.
/// Cost: one prefilter read of every file, then tokenize + parse of the files
/// `ParseSelection` keeps (in parallel over files), then a cross-file pass
/// per devm allocation (in parallel over files). Headers are parsed once per run.
public struct Linter: Sendable {
    public let options: LintOptions
    public init(_ options: LintOptions = LintOptions()) { self.options = options }

    /// What makes an `include/` header worth parsing (IncludeResolver): it names a
    /// user-visible object, or a V4L2 object a struct can embed
    /// (include/media/drv-intf/tea575x.h embeds a `struct video_device`). Bare "cdev" would
    /// also match `rcdev` (reset controllers) and thermal cooling `cdev`s, doubling the
    /// parsed set for nothing.
    static let needles: [[UInt8]] = ["miscdevice", "struct cdev", "struct\tcdev", "cdev_init", "cdev_add", "cdev_device_add",
                                     "struct video_device", "struct v4l2_device"].map { Array($0.utf8) }
    /// Group 0: the file names or registers a user-visible object (a video node too, for
    /// devm-v4l2, and a tty port's node, for devm-tty-port); group 1: the file can hold a
    /// link of a chain. `ParseSelection` decides from these which files are parsed.
    static let prefilter = MultiNeedle(prefilterNeedles)
    static let prefilterNeedles: [(String, fingerprint: Int, group: Int)] = [
        // Each needle's fingerprint is its three consecutive bytes found least often in
        // 150 MB of 6.12 drivers/: "cde" 5k times (shared by every cdev needle and
        // miscdevice), video_register_device's "deo" 65, devm_k's "m_k" 1.6k, _driver's
        // "_dr" 20k, file_operations' "e_o" 8k, private_data's "vat" 12k, container_of's
        // "nta" 10k: one candidate position in 2,600 bytes. Eight fingerprints at most
        // (DM_TRIGRAMS_MAX): the tty needles share "tty".
        ("miscdevice", fingerprint: 3, group: 0), ("struct cdev", fingerprint: 7, group: 0), ("struct\tcdev", fingerprint: 7, group: 0),
        ("cdev_init", fingerprint: 0, group: 0), ("cdev_add", fingerprint: 0, group: 0), ("cdev_device_add", fingerprint: 0, group: 0),
        ("video_register_device", fingerprint: 2, group: 0),
        // devm-tty-port: a port given a tty (tty_port_register_device*, tty_port_install,
        // tty_port_link_device, or an .install setting `tty->port = `).
        ("tty_port_register_device", fingerprint: 0, group: 0), ("tty_port_install", fingerprint: 0, group: 0),
        ("tty_port_link_device", fingerprint: 0, group: 0), ("tty->port = ", fingerprint: 0, group: 0),
        // devm_k: every allocator DevmMemory knows (devm_kzalloc, devm_kcalloc, devm_kmemdup…).
        ("devm_k", fingerprint: 3, group: 1), ("_driver", fingerprint: 0, group: 1), ("file_operations", fingerprint: 3, group: 1),
        ("private_data", fingerprint: 3, group: 1), ("container_of", fingerprint: 2, group: 1),
    ]

    /// Lints every `.c`/`.h` file under `paths` (files or directories). Missing or
    /// unreadable paths, a missing `treeRoot` and special files (FIFOs, sockets, device
    /// nodes, directories named `*.c`) become diagnostics in the report, never a trap or a
    /// hang; the other paths are still linted. Missing inputs set `exitCode` to 66.
    public func lint(paths: [String]) -> LintReport {
        let start = Date()
        var diagnostics: [String] = []
        var missing: [String] = []
        var givenRoot = options.treeRoot
        if let r = givenRoot, !SourceFiles.isDirectory(r) {
            diagnostics.append("--root \(r): no such directory; include/ is guessed from the paths instead")
            missing.append(r)
            givenRoot = nil
        }
        let files = SourceFiles.discover(paths, diagnostics: &diagnostics, missing: &missing)
        let root = givenRoot ?? paths.first.flatMap(Linter.findRoot)
        let t0 = Date()
        // Phase 1: which files matter (parallel read + multi-needle search + quoted includes).
        let unreadable = Mutex<[String]>([])
        let scanned = Mutex<[ParseSelection.Scanned]>(files.map { ParseSelection.Scanned(path: $0, groups: 0, includes: nil) })
        concurrent(files.count) { i, buffer in
            let seen = SourceFiles.withContents(files[i], using: buffer) { b -> (Int, [String], Int) in
                let raw = UnsafeRawBufferPointer(b)
                let g = Linter.prefilter.groups(in: raw, stopMask: 1)
                guard g != 0 else { return (0, [], b.count) }
                return (g, ParseSelection.includes(in: raw, of: files[i]), b.count)
            }
            guard let (g, inc, size) = seen else { unreadable.withLock { $0.append(files[i]) }; return }
            guard g != 0 else { return }
            scanned.withLock { $0[i].groups = g; $0[i].includes = inc; $0[i].size = size }
        }
        let t1 = Date()
        let rss1 = Linter.peakMB()
        let picked = options.parseAll ? Array(files.indices) : ParseSelection.select(scanned.withLock { $0 }) { header in
            SourceFiles.withContents(header) { ParseSelection.includes(in: UnsafeRawBufferPointer($0), of: header) } ?? []
        }
        let toParse = picked.map { files[$0] }
        // Largest first: a big file taken last would leave the other worker idle at the
        // end of the phase. The units keep their run order whatever the order of work.
        let bySize = scanned.withLock { s in picked.indices.sorted { s[picked[$0]].size > s[picked[$1]].size } }
        scanned.withLock { $0 = [] }  // the include lists are not needed past the selection
        let t1s = Date()
        // Phase 2: parse (parallel).
        let slots = Mutex<[FileUnit?]>(Array(repeating: nil, count: toParse.count))
        concurrent(toParse.count, order: bySize) { i, buffer in
            let u = FileParser.parse(path: toParse[i], using: buffer)
            slots.withLock { $0[i] = u }
        }
        let units = slots.withLock { $0.compactMap { $0 } }
        let t2 = Date()
        let rss2 = Linter.peakMB()
        let resolver = IncludeResolver(treeRoot: root)
        resolver.seed(units)
        let project = Project(units: units, resolver: resolver)
        let t2p = Date()
        // Phase 3: analysis (parallel over units).
        let analyzer = Analyzer(project: project, explain: options.explain)
        let results = Mutex<[[Finding]]>(Array(repeating: [], count: units.count))
        concurrent(units.count) { i, _ in
            let f = analyzer.findings(for: i)
            results.withLock { $0[i] = f }
        }
        var findings = results.withLock { $0.flatMap { $0 } }
        if ProcessInfo.processInfo.environment["DEVM_LINT_TIMING"] != nil {
            let t3 = Date()
            diagnostics.append(String(format: "timing: discovery %.2f s, prefilter %.2f s, parse %.2f s (selection %.2f s), project %.2f s, analysis %.2f s; peak RSS %d MB after prefilter, %d MB after parse, %d MB after analysis",
                                      t0.timeIntervalSince(start), t1.timeIntervalSince(t0), t2.timeIntervalSince(t1), t1s.timeIntervalSince(t1),
                                      t2p.timeIntervalSince(t2), t3.timeIntervalSince(t2p), rss1, rss2, Linter.peakMB()))
        }
        // Suppressions.
        var suppressed = 0
        let byPath = Dictionary(units.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var kept: [Finding] = []
        for f in findings {
            let sups = byPath[f.location.file]?.suppressions.filter {
                ($0.line == f.location.line || $0.line == f.location.line - 1) && $0.rules.contains(f.rule.rawValue)
            } ?? []
            if let s = sups.first {
                if s.reason.isEmpty {
                    kept.append(Finding(rule: .badSuppression, location: SourceLocation(file: f.location.file, line: s.line, column: 1),
                                        message: "suppression of \(f.rule.rawValue) has no reason; write `devmodel-lint: ignore \(f.rule.rawValue) -- why`",
                                        notes: [], fix: "add the reason after `--`"))
                    kept.append(f)
                } else { suppressed += 1 }
            } else { kept.append(f) }
        }
        if !options.freesMemory { _ = Unmanaged.passRetained(project) }
        findings = kept.sorted { ($0.location.file, $0.location.line, $0.location.column, $0.rule.rawValue) < ($1.location.file, $1.location.line, $1.location.column, $1.rule.rawValue) }
        for u in unreadable.withLock({ $0 }).sorted() { diagnostics.append("\(u): \(SourceFiles.whyUnreadable(u))") }
        if options.explain { diagnostics.append(contentsOf: analyzer.explanations.all.map { "ruled out: " + $0 }) }
        return LintReport(findings: findings, suppressed: suppressed, filesScanned: files.count, filesParsed: units.count,
                          diagnostics: diagnostics, missingInputs: missing,
                          baseDirectory: root ?? FileManager.default.currentDirectoryPath, seconds: Date().timeIntervalSince(start))
    }

    /// Runs `body(i, buffer)` for every `i < n` on the workers, taking the indices in
    /// `order` when given (a permutation of `0..<n`); `buffer` is the calling worker's,
    /// reused across its indices. Indices are handed out one at a time from a
    /// shared counter, so a worker that the machine slows down (other processes, one huge
    /// file) leaves the rest to the others instead of a fixed share.
    private func concurrent(_ n: Int, order: [Int]? = nil, _ body: @Sendable (Int, ReadBuffer) -> Void) {
        guard n > 0 else { return }
        // Relaxed: the counter only partitions the indices (each read-modify-write is
        // atomic whatever the ordering, so every index is taken exactly once); what `body`
        // writes reaches the caller through its own locks and `concurrentPerform`'s join.
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(n, options.workers)) { _ in
            let buffer = ReadBuffer()
            while true {
                let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard k < n else { break }
                body(order?[k] ?? k, buffer)
            }
        }
    }

    /// Peak resident set size of this process so far, in MB (the timing line's memory figures).
    static func peakMB() -> Int {
        var u = rusage()
        #if canImport(Darwin)
        guard getrusage(RUSAGE_SELF, &u) == 0 else { return 0 }
        return Int(u.ru_maxrss) >> 20  // bytes on Darwin
        #else
        guard getrusage(RUSAGE_SELF.rawValue, &u) == 0 else { return 0 }
        return Int(u.ru_maxrss) >> 10  // kilobytes on Linux
        #endif
    }

    /// Nearest ancestor with `include/linux` (the kernel tree root).
    static func findRoot(_ path: String) -> String? {
        var p = SourceFiles.normalize(path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path)
        while p.count > 1 {
            if SourceFiles.exists(p + "/include/linux") { return p }
            p = SourceFiles.dirname(p)
            if p.isEmpty { break }
        }
        return nil
    }
}
