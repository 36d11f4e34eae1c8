import Testing
import Revocable

/// The module documentation's opening example, verbatim, so that it stays runnable.
@Suite("documentation example")
struct DocExampleTests {
    final class GPIOChip: Sendable {
        func get(line: Int) -> Int { line & 1 }
        func shutDown() {}
    }

    @Test("the example in Revocable.docc runs as documented")
    func moduleExample() throws {
        let chip = Revocable(GPIOChip(), name: "gpiochip0", teardown: { $0.shutDown() })
        let value = chip.withAccess { chip in chip?.get(line: 3) }
        #expect(value == 1)
        func ioctl() throws(RevocableError) -> Int {
            try chip.withAccessOrENODEV { chip in chip.get(line: 3) }
        }
        #expect(try chip.revoke() == .revoked)
        #expect(chip.withAccess { $0 } == nil)
        do { _ = try ioctl(); Issue.record("expected ENODEV") } catch { #expect(error.errno == .ENODEV) }
        let again = try chip.revoke()
        #expect(again == .alreadyRevoked)
    }
}
