import Testing
@testable import DevmLint

/// Which prefiltered files get a full parse.
@Suite("parse selection")
struct ParseSelectionTests {
    typealias S = ParseSelection.Scanned

    /// Headers the prefilter did not keep have no recorded includes: the walk asks for
    /// them, and only for the ones it reaches.
    static func select(_ files: [S], unread: [String: [String]] = [:], asked: inout [String]) -> [Int] {
        ParseSelection.select(files) { path in asked.append(path); return unread[path] ?? [] }
    }
    static func select(_ files: [S], unread: [String: [String]] = [:]) -> [Int] {
        var asked: [String] = []
        return select(files, unread: unread, asked: &asked)
    }

    @Test func filesSharingAHeaderWithAHotFileAreParsedStandaloneNeighboursAreNot() {
        let files = [
            S(path: "/t/d/misc.c", groups: 1, includes: ["/t/d/drv.h"]),          // names a miscdevice
            S(path: "/t/d/core.c", groups: 2, includes: ["/t/d/drv.h"]),          // allocates, same driver
            S(path: "/t/d/hwmon.c", groups: 2, includes: []),                      // another driver
            S(path: "/t/d/drv.h", groups: 0, includes: nil),
        ]
        #expect(Self.select(files) == [0, 1])
    }

    @Test func headersAreFollowedThroughTheirOwnIncludes() {
        // wave5: the hot file reaches wave5-vpu.h only through wave5-helper.h.
        let files = [
            S(path: "/t/w/dec.c", groups: 1, includes: ["/t/w/helper.h"]),
            S(path: "/t/w/helper.h", groups: 0, includes: nil),
            S(path: "/t/w/vpu.h", groups: 0, includes: nil),
            S(path: "/t/w/vpu.c", groups: 2, includes: ["/t/w/vpu.h"]),
            S(path: "/t/w/unrelated.h", groups: 0, includes: nil),
        ]
        var asked: [String] = []
        #expect(Self.select(files, unread: ["/t/w/helper.h": ["/t/w/vpu.h"]], asked: &asked) == [0, 3])
        // Only the headers the walk reached were read; unrelated.h never was.
        #expect(asked.sorted() == ["/t/w/helper.h", "/t/w/vpu.h"])
    }

    @Test func aFileIncludingAHotHeaderOneFolderUpIsParsed() {
        let files = [
            S(path: "/t/bus/bus_dev.h", groups: 1, includes: []),
            S(path: "/t/bus/sub/drv.c", groups: 2, includes: ParseSelection.resolve(["../bus_dev.h"], of: "/t/bus/sub/drv.c")),
        ]
        #expect(Self.select(files) == [0, 1])
    }
}
