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
/// Cost: linear in the number of files and quoted includes; no file is read again.
/// The include scan is a memchr for `#`, run on headers and on prefiltered files only.
struct ParseSelection {
    struct Scanned {
        var path: String
        /// Bit 0: names a user-visible object; bit 1: can hold a link of a chain.
        var groups: Int
        /// `#include "…"` targets, normalized against the file's folder (recorded for every
        /// header, and for other files the prefilter kept).
        var includes: [String]
        /// Bytes (recorded for the files the prefilter kept): the parse starts with the
        /// largest.
        var size = 0
    }

    static func select(_ files: [Scanned]) -> [Int] {
        // Headers reach each other (wave5-vpu-dec.c → "wave5-helper.h" → "wave5-vpu.h",
        // which wave5-vpu.c includes): the linked set is closed over headers' includes.
        var headerIncludes: [String: [String]] = [:]
        for f in files where f.path.hasSuffix(".h") { headerIncludes[SourceFiles.normalize(f.path)] = f.includes }
        var linked = Set<String>()
        var work: [String] = []
        for f in files where f.groups & 1 != 0 {
            if f.path.hasSuffix(".h") { work.append(SourceFiles.normalize(f.path)) }
            work.append(contentsOf: f.includes)
        }
        while let h = work.popLast() {
            guard linked.insert(h).inserted else { continue }
            work.append(contentsOf: headerIncludes[h] ?? [])
        }
        return files.indices.filter { i in
            let f = files[i]
            if f.groups & 1 != 0 { return true }
            guard f.groups & 2 != 0 else { return false }
            return linked.contains(SourceFiles.normalize(f.path)) || f.includes.contains(where: linked.contains)
        }
    }

    /// `#include "x"` in `file` names `folder(file)/x`, normalized.
    static func resolve(_ includes: [String], of file: String) -> [String] {
        let dir = SourceFiles.dirname(file)
        return includes.map { SourceFiles.normalize(dir + "/" + $0) }
    }
}
