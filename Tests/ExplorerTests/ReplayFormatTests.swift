import Testing
@testable import ExplorerEngine

@Suite struct ReplayFormatTests {
    @Test func version() { #expect(ReplayFormat.version == "dm1") }

    @Test func choicesRoundTrip() throws {
        for choices in [[], [0], [0, 0, 0, 1], [1, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 25]] {
            let s = ReplayString(hash: "00ff", strategy: "pb2", choices: choices)
            #expect(try ReplayString(parsing: s.description) == s)
            let open = ReplayString(hash: "00ff", strategy: "pb2", choices: choices, thenDefault: true)
            #expect(try ReplayString(parsing: open.description) == open)
        }
        #expect(ReplayString.encode([0, 0, 0, 1, 0]) == "a3ba")
        #expect(ReplayString.encode([]) == "-")
    }

    @Test(arguments: ["", "dm1", "dm2:00:pb2:a", "dm1:zz:pb2:a", "dm1:00:pb2:", "dm1:00:pb2:3a", "dm1:00:pb2:a0",
                      "dm1:00:pb2:a99999999999", "dm1:00:pb2:A", "dm1:00:pb2:a:b"])
    func malformedStringsAreRejected(_ text: String) {
        #expect(throws: ReplayError.self) { try ReplayString(parsing: text) }
    }
}
