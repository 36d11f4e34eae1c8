/// Which prefiltered files are worth a full parse.
///
/// A file naming a user-visible object (prefilter group 0: `miscdevice`, `struct cdev`,
/// `cdev_add`, `video_register_device`…) is parsed. Another file that can hold a link of a
/// chain (group 1: devm allocation, driver structure, fops) is parsed only when it shares
/// a quoted header with such a file, or includes a header that is itself one: that is how
/// the files of one multi-file driver, or a driver and its subsystem one folder up
/// (`#include "../fieldbus_dev.h"`), see the same structs. Standalone drivers that merely
/// sit in the same folder (most of drivers/hwmon beside one misc driver) are not parsed.
///
/// Cost: linear in the number of files and quoted includes. The include scan (a memchr
/// for `#`) runs on the prefiltered files while the prefilter has them in memory, and on
/// a header the prefilter did not keep only when the walk below reaches it: of the 11,000
/// headers of drivers/, most are `#define` lists no selected file includes.
struct ParseSelection {
    struct Scanned {
        var path: String
        /// Bit 0: names a user-visible object; bit 1: can hold a link of a chain.
        var groups: Int
        /// `#include "…"` targets, normalized against the file's folder (recorded for the
        /// files the prefilter kept; nil for the others).
        var includes: [String]?
        /// Bytes (recorded for the files the prefilter kept): the parse starts with the
        /// largest.
        var size = 0
    }

    /// `includesOf(path)`: the resolved quoted includes of a header whose `includes` the
    /// prefilter did not record, read when the walk reaches it.
    static func select(_ files: [Scanned], includesOf: (String) -> [String]) -> [Int] {
        // Headers reach each other (wave5-vpu-dec.c → "wave5-helper.h" → "wave5-vpu.h",
        // which wave5-vpu.c includes): the linked set is closed over headers' includes.
        var headers: [String: Int] = [:]
        for (i, f) in files.enumerated() where f.path.hasSuffix(".h") { headers[SourceFiles.normalize(f.path)] = i }
        var linked = Set<String>()
        var work: [String] = []
        for f in files where f.groups & 1 != 0 {
            if f.path.hasSuffix(".h") { work.append(SourceFiles.normalize(f.path)) }
            work.append(contentsOf: f.includes ?? [])
        }
        while let h = work.popLast() {
            guard linked.insert(h).inserted, let i = headers[h] else { continue }
            work.append(contentsOf: files[i].includes ?? includesOf(files[i].path))
        }
        return files.indices.filter { i in
            let f = files[i]
            if f.groups & 1 != 0 { return true }
            guard f.groups & 2 != 0 else { return false }
            return linked.contains(SourceFiles.normalize(f.path)) || (f.includes ?? []).contains(where: linked.contains)
        }
    }

    /// The quoted includes of `file`, whose bytes are `raw`, resolved.
    static func includes(in raw: UnsafeRawBufferPointer, of file: String) -> [String] {
        resolve(SourceFiles.quotedIncludes(raw), of: file)
    }

    /// `#include "x"` in `file` names `folder(file)/x`, normalized.
    static func resolve(_ includes: [String], of file: String) -> [String] {
        let dir = SourceFiles.dirname(file)
        return includes.map { SourceFiles.normalize(dir + "/" + $0) }
    }
}
