import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File discovery and reading. Reading goes through POSIX calls (`pread` into a worker's
/// `ReadBuffer`, `mmap` for the largest files): 31,000 files are read once by the
/// prefilter and 1,500 again by the parse; Foundation's `Data` adds a copy per file.
enum SourceFiles {
    /// Every `.c` and `.h` under `paths` (files are taken as given), sorted for determinism.
    /// Paths that do not exist are appended to `missing` and skipped: the others still run.
    static func discover(_ paths: [String], diagnostics: inout [String], missing: inout [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                diagnostics.append("\(p): no such file or directory")
                missing.append(p)
                continue
            }
            if !isDir.boolValue { out.append(p); continue }
            walkInParallel(p.hasSuffix("/") && p.count > 1 ? String(p.dropLast()) : p, into: &out)
        }
        return out.sorted()
    }

    /// `walk`, with the folders right under `dir` walked on the workers (drivers/ has 140):
    /// discovery runs before anything else can, so its time is all wall time.
    private static func walkInParallel(_ dir: String, into out: inout [String]) {
        var found: [String] = []
        list(dir, files: &out, dirs: &found)
        let subdirs = found
        let parts = Mutex<[[String]]>(Array(repeating: [], count: subdirs.count))
        DispatchQueue.concurrentPerform(iterations: subdirs.count) { k in
            var mine: [String] = []
            walk(subdirs[k], into: &mine)
            parts.withLock { $0[k] = mine }
        }
        for part in parts.withLock({ $0 }) { out.append(contentsOf: part) }
    }

    /// Depth-first readdir walk: FileManager's enumerator stats every entry and builds
    /// NSStrings, a third of a second on drivers/. Symbolic links to folders are not
    /// followed (no cycles); every entry named `*.c`/`*.h` is listed, whatever its type,
    /// so that special files get their diagnostic when read.
    private static func walk(_ dir: String, into out: inout [String]) {
        var stack = [dir]
        while let d = stack.popLast() { list(d, files: &out, dirs: &stack) }
    }

    /// One folder's entries: `*.c`/`*.h` names to `files`, folders to `dirs`.
    private static func list(_ d: String, files out: inout [String], dirs: inout [String]) {
        guard let h = opendir(d) else { return }
        defer { closedir(h) }
        while let e = readdir(h) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let path = d + "/" + name
            var type = e.pointee.d_type
            if type == UInt8(DT_UNKNOWN) {
                var st = stat()
                if lstat(path, &st) == 0 { type = (st.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG) }
            }
            if name.hasSuffix(".c") || name.hasSuffix(".h") { out.append(path) }
            if type == UInt8(DT_DIR) { dirs.append(path) }
        }
    }

    /// Calls `body` with the file's bytes, or returns nil when it cannot be read (reported
    /// as a diagnostic, never fatal). With `buffer`, files up to `ReadBuffer.maxBuffered`
    /// are read into it (the walks over every file: see `ReadBuffer`); other files are
    /// mapped read-only, which spares a heap buffer per file: per-thread malloc arenas
    /// kept the largest files' buffers (24 MB generated headers) for the whole run.
    /// The bytes are valid only inside `body`.
    static func withContents<T>(_ path: String, using buffer: ReadBuffer? = nil, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
        guard let (fd, size) = openRegular(path) else { return nil }
        defer { close(fd) }
        if size == 0 { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        if let buffer, size <= ReadBuffer.maxBuffered { return buffer.read(fd, size: size, body) }
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE  // one fault pass in the kernel, not one per page run
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let m = mmap(nil, size, PROT_READ, flags, fd, 0), m != MAP_FAILED else { return nil }
        defer { munmap(m, size) }
        return body(UnsafeBufferPointer(start: m.assumingMemoryBound(to: UInt8.self), count: size))
    }

    /// A descriptor for `path` and its size, only when it is a regular file. O_NONBLOCK
    /// keeps a FIFO named `*.c` from blocking the open until a writer appears; the check is
    /// on the open descriptor, so a file swapped in after discovery is caught too. One
    /// `fstat` serves the check and the size (31,000 files: a second one was 31,000 calls).
    private static func openRegular(_ path: String) -> (Int32, Int)? {
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { close(fd); return nil }
        return (fd, Int(st.st_size))
    }

    /// Why `path` could not be read, for the diagnostic (only called on failure).
    static func whyUnreadable(_ path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return "cannot read (\(String(cString: strerror(errno))))" }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return "cannot read"
        case S_IFIFO: return "not a regular file (a FIFO), skipped"
        case S_IFDIR: return "a directory, not a source file; skipped"
        case S_IFSOCK: return "not a regular file (a socket), skipped"
        case S_IFCHR, S_IFBLK: return "not a regular file (a device node), skipped"
        default: return "not a regular file, skipped"
        }
    }

    /// Whether `hay` contains any of `needles` (memchr + memcmp: the prefilter must stay
    /// I/O bound; Glibc's memmem is not exported without _GNU_SOURCE).
    static func contains(_ hay: UnsafeRawBufferPointer, anyOf needles: [[UInt8]]) -> Bool {
        do {
            guard let base = hay.baseAddress else { return false }
            for nd in needles where !nd.isEmpty {
                let found = nd.withUnsafeBytes { n -> Bool in
                    var off = 0
                    let first = Int32(nd[0])
                    while off + nd.count <= hay.count {
                        guard let hit = memchr(base + off, first, hay.count - off - nd.count + 1) else { return false }
                        let pos = base.distance(to: UnsafeRawPointer(hit))
                        if memcmp(base + pos, n.baseAddress!, nd.count) == 0 { return true }
                        off = pos + 1
                    }
                    return false
                }
                if found { return true }
            }
            return false
        }
    }

    /// The targets of `#include "…"` lines in `hay` (quoted includes only: they are how a
    /// driver reaches a subsystem header of its own tree, e.g. `"../fieldbus_dev.h"`).
    static func quotedIncludes(_ hay: UnsafeRawBufferPointer) -> [String] {
        guard let base = hay.baseAddress else { return [] }
        let directive = Array("include".utf8)
        var out: [String] = []
        var off = 0
        while off < hay.count, let hit = memchr(base + off, Int32(UInt8(ascii: "#")), hay.count - off) {
            var i = base.distance(to: UnsafeRawPointer(hit)) + 1
            off = i
            while i < hay.count, base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: " ") { i += 1 }
            guard i + directive.count < hay.count,
                  memcmp(base + i, directive, directive.count) == 0 else { continue }
            i += directive.count
            while i < hay.count, [UInt8(ascii: " "), UInt8(ascii: "\t")].contains(base.load(fromByteOffset: i, as: UInt8.self)) { i += 1 }
            guard i < hay.count, base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "\"") else { continue }
            let start = i + 1
            var e = start
            while e < hay.count, e - start < 256 {
                let c = base.load(fromByteOffset: e, as: UInt8.self)
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\n") { break }
                e += 1
            }
            if e < hay.count, base.load(fromByteOffset: e, as: UInt8.self) == UInt8(ascii: "\""), e > start {
                out.append(String(decoding: UnsafeRawBufferPointer(rebasing: hay[start..<e]), as: UTF8.self))
            }
            off = e
        }
        return out
    }

    static func dirname(_ p: String) -> String {
        guard let i = p.lastIndex(of: "/") else { return "." }
        return String(p[..<i])
    }

    /// `a/b/../c` → `a/c`, `./` removed; include paths are joined textually.
    static func normalize(_ p: String) -> String {
        // Most paths (every discovered file, most include targets) are already normal: one
        // byte scan instead of splitting into substrings (7% of a drivers/ run).
        if isNormal(p) { return p }
        var parts: [Substring] = []
        for c in p.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == "..", let l = parts.last, l != ".." { parts.removeLast(); continue }
            parts.append(c)
        }
        return (p.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    /// No empty, `.` or `..` component and no trailing `/` (a lone "/" is normal).
    private static func isNormal(_ p: String) -> Bool {
        var p = p
        return p.withUTF8 { b -> Bool in
            let n = b.count
            guard n > 0 else { return true }
            if n > 1 && b[n - 1] == UInt8(ascii: "/") { return false }
            var start = 0  // start of the current component
            var i = 0
            while i <= n {
                if i == n || b[i] == UInt8(ascii: "/") {
                    let len = i - start
                    if len == 0 && i > 0 && i < n { return false }  // "//" (a leading "/" is fine)
                    if len == 1 && b[start] == UInt8(ascii: ".") { return false }
                    if len == 2 && b[start] == UInt8(ascii: ".") && b[start + 1] == UInt8(ascii: ".") { return false }
                    start = i + 1
                }
                i += 1
            }
            return true
        }
    }

    static func exists(_ p: String) -> Bool { access(p, R_OK) == 0 }

    static func isDirectory(_ p: String) -> Bool {
        var st = stat()
        return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
