import CharDev
import DriverCore
import ExplorerEngine
import Instrumentation
import Sanitizer
import SimHardware

extension Corpus {
    /// debugfs file operations reaching private data freed after `debugfs_remove`.
    static let debugfsPrivateData = BugEntry(
        id: "debugfs-private-data-after-remove", reference: "49d200deaa68", subsystem: "debugfs (fs/debugfs/file.c)",
        classes: ["P9"],
        story: """
        A driver hands debugfs_create_file() its own data and frees it after debugfs_remove(). Before \
        49d200deaa68 nothing stopped a file opened earlier: its read went straight to the driver's \
        file operations and into the freed data. The fix makes every call go through \
        debugfs_use_file_start/finish (now debugfs_file_get/put, the full proxy) and debugfs_remove \
        wait for the calls in flight; later calls get EIO. Ours: Debugfs puts each file behind a \
        fence. Here: open, unbind (remove() removes the file, devres frees the data), read, close.
        """,
        tool: "sanitizer", expectedFinding: "use-after-unbind",
        buggy: { timed { debugfsDataRun(fixed: false) } },
        fixed: { timed { debugfsDataRun(fixed: true) } })

    static func debugfsDataRun(fixed: Bool) -> (findings: [String], detail: String) {
        do {
            let (board, sanitizer, driver, device) = try legacyBoard { LegacyDebugfsDriver(debugfs: $0.debugfs, fixed: fixed) }
            var result = "OK"
            if fixed {
                let file = try driver.debugfs.open("legacy-debugfs/state")
                try board.kernel.unbind(device)
                do throws(FileError) { _ = try file.read() } catch { result = error.errno.name }
                try file.close()
            } else {
                let file = try driver.legacy.open(try driver.legacy.lookup("legacy-debugfs/state"))
                try board.kernel.unbind(device)
                do throws(FileError) { _ = try file.read() } catch { result = error.errno.name }
                file.close()
            }
            try board.kernel.unregister(device)
            return (Array(Set(sanitizer.finish().map(\.kind.rawValue))).sorted(), "read after remove returned \(result)")
        } catch {
            return (["setup"], "\(error)")
        }
    }

    /// An open racing removal and module unload reached operations in freed module memory.
    static let debugfsDeadFops = BugEntry(
        id: "debugfs-dead-fops-at-open", reference: "9fd4dcece43a", subsystem: "debugfs (fs/debugfs/file.c), modules",
        classes: ["P6"],
        story: """
        An open(2) found a debugfs dentry; before it reached do_dentry_open() the module removed the \
        file and was unloaded. The open then called fops_get() on the module's file_operations, \
        reading ->owner out of memory the unload had freed. 9fd4dcece43a installs debugfs's own \
        open proxy as the inode's operations: it checks that the file was not removed before it \
        touches the real operations, and fails with ENOENT. Ours: Debugfs.open(_:) enters the \
        file's fence first; the module's text is memory the unload frees.
        """,
        tool: "sanitizer", expectedFinding: "use-after-free",
        buggy: { timed { debugfsFopsRun(fixed: false) } },
        fixed: { timed { debugfsFopsRun(fixed: true) } })

    static func debugfsFopsRun(fixed: Bool) -> (findings: [String], detail: String) {
        sanitized(checkingLeaks: true, detail: "lookup, rmmod (its exit removes the file), open") { kernel in
            let debugfs = Debugfs(kernel: kernel)
            let legacy = LegacyDebugfs()
            let made = Locked<(DebugfsEntry?, LegacyDebugfs.Dentry?)>((nil, nil))
            let module = try kernel.loadModule("dbg_fops", exit: {
                let (entry, dentry) = made.withLock { $0 }
                if let entry { debugfs.remove(entry) }
                if let dentry { legacy.remove(dentry) }
            })
            let ops = LegacyOwnerlessOps(module: module, fixed: true)
            if fixed {
                let entry = try debugfs.createFile("dbg_fops/stats", data: nil, operations: ops)
                made.withLock { $0.0 = entry }
                let found = try debugfs.lookup("dbg_fops/stats")
                try kernel.deleteModule("dbg_fops")
                _ = try? debugfs.open(found)
            } else {
                let dentry = legacy.createFile("dbg_fops/stats", data: nil, operations: ops, module: module)
                made.withLock { $0.1 = dentry }
                let found = try legacy.lookup("dbg_fops/stats")
                try kernel.deleteModule("dbg_fops")
                _ = try? legacy.open(found)
            }
        }
    }

    /// ims-pcu's reset_device store sent a command without the command mutex.
    static let imsPcuResetRace = BugEntry(
        id: "ims-pcu-reset-device-race", reference: "411b8c4b2747", subsystem: "input (ims-pcu.c), sysfs",
        classes: ["P9"],
        story: """
        ims-pcu's sysfs stores share one command buffer and serialise on pcu->cmd_mutex — all but \
        reset_device, which called ims_pcu_execute_command() without it, so a reset written while \
        another attribute's command was in flight overwrote that command's buffer. 411b8c4b2747 \
        takes the mutex there too. Here both stores are the driver's dev_groups on our sysfs and \
        the explorer runs them against each other; the finding is a command that got another \
        command's response (a data race, not a lifetime bug: the kernfs fences keep both stores \
        safe from unbind, not from each other).
        """,
        tool: "explorer", expectedFinding: "data-race",
        buggy: { imsPcuExplored(fixed: false) },
        fixed: { imsPcuExplored(fixed: true) })

    static func imsPcuExplored(fixed: Bool) -> BugVerdict {
        let program = ExplorationProgram.custom(name: "ims-pcu-\(fixed)", actors: ["reset", "part-number"]) {
            do {
                let (board, sanitizer, driver, device) = try legacyBoard { LegacyImsPcuDriver(fixed: fixed, events: $0.kernel.events) }
                let sysfs = board.kernel.sysfs
                let base = device.name
                return CustomExecution(actors: [
                    { _ = try? sysfs.write("\(base)/reset_device", "1") },
                    { _ = try? sysfs.write("\(base)/part_number", "PN-7") },
                ], check: {
                    let races = driver.corrupted.withLock { $0 }.isEmpty ? [] : ["data-race"]
                    let kinds = Set(sanitizer.findings.map(\.kind.rawValue)).sorted() + races
                    return Verdict(failures: kinds, outcome: kinds.joined(separator: ","))
                })
            } catch {
                let message = "setup: \(error)"
                return CustomExecution(actors: [], check: { Verdict(failures: [message], outcome: "setup") })
            }
        }
        return explored(program)
    }
}
