import Testing
@testable import FaultSweep

@Suite struct FaultSweepTests {
    @Test("every board driver's probe survives a fault at each of its points", arguments: FaultSweep.boardDrivers.map(\.0))
    func sweep(_ device: String) throws {
        let driver = try #require(FaultSweep.boardDrivers.first { $0.0 == device }?.1)
        let result = FaultSweep.sweep(device: device, driver: driver)
        #expect(result.ok, "\(result.runs.filter { !$0.problems.isEmpty })")
        #expect(result.runs.count == result.points.count, "every point of the fault-free run was failed once")
        #expect(result.runs.count >= 2)
    }

    @Test func testDriverRemoveModeLeavesEveryDriverBound() {
        #expect(FaultSweep.testDriverRemove().isEmpty)
    }
}
