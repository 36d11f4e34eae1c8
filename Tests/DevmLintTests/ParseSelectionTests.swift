import Testing
@testable import DevmLint

/// Which prefiltered files get a full parse.
@Suite("parse selection")
struct ParseSelectionTests {
    typealias S = ParseSelection.Scanned

    @Test func filesSharingAHeaderWithAHotFileAreParsedStandaloneNeighboursAreNot() {
        let files = [
            S(path: "/t/d/misc.c", groups: 1, includes: ["/t/d/drv.h"]),          // names a miscdevice
            S(path: "/t/d/core.c", groups: 2, includes: ["/t/d/drv.h"]),          // allocates, same driver
            S(path: "/t/d/hwmon.c", groups: 2, includes: []),                      // another driver
            S(path: "/t/d/drv.h", groups: 0, includes: []),
        ]
        #expect(ParseSelection.select(files) == [0, 1])
    }

    @Test func headersAreFollowedThroughTheirOwnIncludes() {
        // wave5: the hot file reaches wave5-vpu.h only through wave5-helper.h.
        let files = [
            S(path: "/t/w/dec.c", groups: 1, includes: ["/t/w/helper.h"]),
            S(path: "/t/w/helper.h", groups: 0, includes: ["/t/w/vpu.h"]),
            S(path: "/t/w/vpu.h", groups: 0, includes: []),
            S(path: "/t/w/vpu.c", groups: 2, includes: ["/t/w/vpu.h"]),
        ]
        #expect(ParseSelection.select(files) == [0, 3])
    }

    @Test func aFileIncludingAHotHeaderOneFolderUpIsParsed() {
        let files = [
            S(path: "/t/bus/bus_dev.h", groups: 1, includes: []),
            S(path: "/t/bus/sub/drv.c", groups: 2, includes: ParseSelection.resolve(["../bus_dev.h"], of: "/t/bus/sub/drv.c")),
        ]
        #expect(ParseSelection.select(files) == [0, 1])
    }
}
