import DriverCore
import Instrumentation
import Sanitizer
import SanitizerTesting
import Testing

@Suite("reports, the Swift Testing helper, robustness")
struct ReportTests {
    @Test("the report is KASAN-shaped: title, access, acquired, released, history on request")
    func renderShape() throws {
        let f = try SanitizerFixture()
        let dev = f.device("shape.0")
        try dev.get()
        try dev.put()
        try dev.put()
        _ = try? dev.property("x")
        let finding = try #require(f.sanitizer.findings.first)
        let text = finding.render()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[1] == "BUG: DriverModel: use-after-release in shape.0 (\(dev.id))")
        #expect(lines.contains { $0.hasPrefix("ref.misuse read property 'x' at SanitizerTests/ReportTests.swift:") && $0.contains(" by thread ") })
        #expect(lines.contains("Allocated/acquired at:"))
        #expect(lines.contains("Released at:"))
        #expect(!text.contains("Reference history"))
        let full = finding.render(history: true)
        #expect(full.contains("Reference history of shape.0:"))
        #expect(full.split(separator: "\n").filter { $0.contains("ref.get ref=2") }.count == 1)
        #expect(f.sanitizer.history(of: dev.id).map(\.what).prefix(3) == ["device.initialize ref=1", "ref.get ref=2", "ref.put ref=1"])
    }

    @Test("expectNoFindings records an issue carrying the report, so a finding fails the test")
    func helperFailsTheTest() throws {
        let f = try SanitizerFixture()
        let dev = f.device("fails.0")
        try dev.put()
        _ = try? dev.put()
        withKnownIssue {
            f.sanitizer.expectNoFindings()
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("BUG: DriverModel: double-put in fails.0") }
        }
    }

    @Test("expectNoFindings can leave the leak checks out")
    func helperWithoutLeaks() throws {
        let f = try SanitizerFixture()
        _ = f.device("still-held.0")
        #expect(f.sanitizer.leaks.count == 1)
        f.sanitizer.expectNoFindings(checkingLeaks: false)
    }

    @Test("any event on a released object is a use after release")
    func eventOnReleasedObject() throws {
        let f = try SanitizerFixture()
        let dev = f.device("quarantined.0")
        try dev.put()
        // A broken core registering devres on the released device without checking it.
        f.kernel.events.emit(.devresAdd, object: dev.id, name: dev.name, detail: "devm_kzalloc")
        let found = f.findings(.useAfterRelease)
        try #require(found.count == 1)
        #expect(found[0].access.what == "devres.add devm_kzalloc")
        #expect(f.sanitizer.state(of: dev.id) == .released)
    }

    @Test("no crash and no lost state on arbitrary event sequences", arguments: [1, 2, 3] as [UInt64])
    func arbitraryEvents(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let kinds: [EventKind] = [
            .deviceInitialize, .deviceAdd, .deviceDel, .deviceRelease, .get, .put, .refMisuse, .devresAdd,
            .devresRelease, .devresRemove, .devresDestroy, .devresGroupRemove, .devresWrongDevice, .memoryAlloc,
            .memoryFree, .memoryUseAfterFree, .memoryDoubleFree, .probeStart, .probeResult, .bind, .removeStart,
            .unbind, .lockAcquire, .lockRelease, .fileOpen, .fileClose, .fileAfterClose, .revocableRevokeInsideAccess,
            EventKind("made.up"),
        ]
        let details = ["", "ref=0", "ref=1", "ref=-3", "ref=x", "grp<", "a", "b", "A", "B", "x: put on device 'd' after its release",
                       "get", ": 0", "drv: -19"]
        let sanitizer = Sanitizer()
        for sequence in 1...1_500 as ClosedRange<UInt64> {
            let kind = kinds[Int(rng.next() % UInt64(kinds.count))]
            let detail = details[Int(rng.next() % UInt64(details.count))]
            let object = ObjectID(raw: 1_000_000 + rng.next() % 6)
            sanitizer.observe(LifetimeEvent(sequence: sequence, time: sequence, kind: kind, object: object,
                                            objectName: "o\(object.raw % 10)", detail: detail, site: .model,
                                            thread: 1 + rng.next() % 3))
        }
        let all = sanitizer.finish()
        #expect(!all.isEmpty, "random sequences do contain misuse")
        #expect(all.allSatisfy { !$0.render(history: true).isEmpty })
    }
}
