import Synchronization

/// Resolves `#include` directives of one file to files of the tree being linted: quoted
/// includes relative to the including file, then (like the kernel's `-I` flags) the tree's
/// `include/` and `include/uapi/` roots; angle includes from those roots only.
/// Headers are parsed on first use and cached for the whole run (thread-safe).
final class IncludeResolver: Sendable {
    let roots: [String]
    private let cache = Mutex<[String: FileUnit?]>([:])
    private let paths = Mutex<[String: String?]>([:])
    private let headers = Mutex<HeaderTable>(HeaderTable())

    /// One resolved `#include` of a unit: the header's run-wide number (for cheap visited
    /// sets), its path, and whether a walk goes on through its own includes.
    struct Edge: Sendable {
        var id: Int
        var path: String
        var follow: Bool
    }

    /// Headers numbered as first met; each unit's resolved includes, resolved once.
    private struct HeaderTable {
        var ids: [String: Int] = [:]
        var units: [FileUnit??] = []
        var edges: [ObjectIdentifier: [Edge]] = [:]
    }

    init(treeRoot: String?) {
        if let r = treeRoot { roots = [r + "/include", r + "/include/uapi"] } else { roots = [] }
    }

    func seed(_ units: [FileUnit]) {
        cache.withLock { c in for u in units { c[u.path] = u } }
    }

    func resolve(_ inc: IncludeDirective, from file: String) -> String? {
        let key = inc.quoted ? SourceFiles.dirname(file) + "\u{0}" + inc.path : "<" + inc.path
        if let hit = paths.withLock({ $0[key] }) { return hit }
        let r = search(inc, from: file)
        paths.withLock { $0[key] = r }
        return r
    }

    private func search(_ inc: IncludeDirective, from file: String) -> String? {
        if inc.quoted {
            let p = SourceFiles.normalize(SourceFiles.dirname(file) + "/" + inc.path)
            if SourceFiles.exists(p) { return p }
        }
        for r in roots {
            let p = SourceFiles.normalize(r + "/" + inc.path)
            if SourceFiles.exists(p) { return p }
        }
        return nil
    }

    /// `unit`'s includes that resolve to a file, in order, numbered. Struct lookups walk
    /// these for every (file, name) pair they have not seen; resolving the directives and
    /// hashing the paths on every walk was a tenth of the analysis.
    func edges(of unit: FileUnit) -> [Edge] {
        let key = ObjectIdentifier(unit)
        if let hit = headers.withLock({ $0.edges[key] }) { return hit }
        let resolved = unit.includes.compactMap { inc in resolve(inc, from: unit.path) }
        return headers.withLock { t in
            let out = resolved.map { p -> Edge in
                let id = t.ids[p] ?? { t.ids[p] = t.units.count; t.units.append(nil); return t.units.count - 1 }()
                // Headers of the tree's include/ roots are visited but not followed: the
                // closure of <linux/*.h> is thousands of files, while a struct a driver
                // allocates is defined in the driver, a local header, or a direct include.
                return Edge(id: id, path: p, follow: !isRootHeader(p))
            }
            t.edges[key] = out
            return out
        }
    }

    /// The parsed unit of an edge's header, parsing it on first request.
    func unit(_ edge: Edge) -> FileUnit? {
        if let hit = headers.withLock({ $0.units[edge.id] }) { return hit }
        let u = unit(edge.path)
        headers.withLock { $0.units[edge.id] = .some(u) }
        return u
    }

    /// A header of the tree's include/ roots (not a driver's own).
    private func isRootHeader(_ path: String) -> Bool { roots.contains(where: { path.hasPrefix($0 + "/") }) }

    /// The parsed unit for `path`, parsing it on first request.
    func unit(_ path: String) -> FileUnit? {
        if let hit = cache.withLock({ $0[path] }) { return hit }
        let rootHeader = isRootHeader(path)
        let u: FileUnit? = SourceFiles.withContents(path) { b in
            // A header of include/ that never names a user-visible object cannot define a
            // struct that embeds one directly; keeping only its typedefs' shape is enough.
            // Skipping its parse is what keeps the analysis phase short on a full tree.
            if rootHeader, !SourceFiles.contains(UnsafeRawBufferPointer(b), anyOf: Linter.needles) {
                return FileUnit(path: path, includes: [], macros: [:], suppressions: [], structs: [:], typedefs: [:],
                                globals: [:], functions: [], topCalls: [])
            }
            return FileParser.parse(buffer: b, path: path)
        }
        cache.withLock { $0[path] = u }
        return u
    }
}
